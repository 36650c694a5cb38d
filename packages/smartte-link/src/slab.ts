import type { DatagramAllocator } from '@portico/smartte-codec';

/**
 * Hands out each datagram as a view of a shared buffer of `slabBytes`, starting a new buffer when one is used up;
 * views are never reused (the link keeps every datagram until it is acknowledged, and the transport may still be
 * writing a retransmission), so a buffer is freed by the garbage collector once its last datagram is. Profiled on a
 * bulk transfer: a fresh 1,200-byte Uint8Array per DATA datagram (an external backing store each, zero-filled, and
 * finalised by the collector) was the link's largest own cost; a view of a slab costs a fraction of that.
 */
export class DatagramSlab {
  private buffer: ArrayBuffer | undefined;
  private used = 0;

  constructor(private readonly slabBytes: number) {}

  readonly allocate: DatagramAllocator = (size) => {
    if (size > this.slabBytes) return new Uint8Array(size);
    if (this.buffer === undefined || this.used + size > this.slabBytes) {
      this.buffer = new ArrayBuffer(this.slabBytes);
      this.used = 0;
    }
    const view = new Uint8Array(this.buffer, this.used, size);
    this.used += size;
    return view;
  };
}
