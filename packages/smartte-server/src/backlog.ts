/**
 * B.3: DATA carries at most 1,184 payload bytes in the clear and 1,168 when sealed; host bytes are cut at the sealed
 * size so the same slices fit whether or not the session is encrypted.
 */
export const HOST_DATA_CHUNK = 1168;

/**
 * DATA packets from the host allowed to wait in the link's queue behind its 32-packet window (B.5); more host bytes
 * wait in the session's HostBacklog, so the link's own bound (256, TXF) is never hit by a fast host.
 */
export const HOST_QUEUE_LIMIT = 32;

/** Host bytes of one session waiting for room in the link's queue, taken in DATA-sized slices in order. */
export class HostBacklog {
  private readonly chunks: Uint8Array[] = [];
  private offset = 0;
  bytes = 0;
  /** Bytes had to wait: the bridge hears `host-drained` once they have all gone. */
  waited = false;

  push(data: Uint8Array): void {
    this.chunks.push(data);
    this.bytes += data.length;
  }

  /** Up to `max` bytes from the front (one DATA payload). */
  take(max: number): Uint8Array {
    const parts: Uint8Array[] = [];
    let need = Math.min(max, this.bytes);
    const size = need;
    while (need > 0) {
      const head = this.chunks[0] as Uint8Array;
      const n = Math.min(need, head.length - this.offset);
      parts.push(head.subarray(this.offset, this.offset + n));
      this.offset += n;
      need -= n;
      if (this.offset === head.length) {
        this.chunks.shift();
        this.offset = 0;
      }
    }
    this.bytes -= size;
    if (parts.length === 1) return (parts[0] as Uint8Array).slice();
    const out = new Uint8Array(size);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}
