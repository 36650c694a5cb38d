// --record: what the proxy relays, written as a pcapng file that `portico-inspect pcap` and Wireshark read. The
// proxy sees byte streams, not packets, so it writes the TCP segments a capture on the client's side of the proxy
// would show (handshake, one segment per chunk relayed, FIN), and UDP datagrams as they are.
import { createWriteStream, type WriteStream } from 'node:fs';
import { type Host, ipPacket, linkFrame, pcapngHeader, pcapngPacket, tcpSegment, udpDatagram } from '../pcap/writer.js';

const SYN = 0x02;
const ACK = 0x10;
const PSH = 0x08;
const FIN = 0x01;
/** Largest TCP payload per recorded segment: an IPv6 packet's payload length is 16 bits. */
const MAX_SEGMENT = 65_000;

export class Recorder {
  private readonly out: WriteStream;

  constructor(file: string) {
    this.out = createWriteStream(file);
    this.out.write(pcapngHeader('ethernet'));
  }

  frame(src: Host, dst: Host, proto: 6 | 17, l4: Uint8Array, time = Date.now()): void {
    this.out.write(pcapngPacket({ time, frame: linkFrame('ethernet', ipPacket(src.address, dst.address, proto, l4)) }));
  }

  udp(src: Host, dst: Host, payload: Uint8Array): void {
    this.frame(src, dst, 17, udpDatagram(src, dst, payload));
  }

  tcp(client: Host, server: Host): RecordedConnection {
    return new RecordedConnection(this, client, server);
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => this.out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  }
}

export class RecordedConnection {
  private readonly next = { client: 1, server: 1 };
  private finished = { client: false, server: false };

  constructor(
    private readonly recorder: Recorder,
    private readonly client: Host,
    private readonly server: Host,
  ) {
    this.segment('client', 0, SYN, new Uint8Array(0));
    this.segment('server', 0, SYN | ACK, new Uint8Array(0));
    this.segment('client', 1, ACK, new Uint8Array(0));
  }

  data(from: 'client' | 'server', bytes: Uint8Array): void {
    for (let at = 0; at < bytes.length; at += MAX_SEGMENT) {
      const part = bytes.subarray(at, at + MAX_SEGMENT);
      this.segment(from, this.next[from], PSH | ACK, part);
      this.next[from] = (this.next[from] + part.length) >>> 0;
    }
  }

  end(from: 'client' | 'server'): void {
    if (this.finished[from]) return;
    this.finished[from] = true;
    this.segment(from, this.next[from], FIN | ACK, new Uint8Array(0));
  }

  private segment(from: 'client' | 'server', seq: number, flags: number, payload: Uint8Array): void {
    const [src, dst] = from === 'client' ? [this.client, this.server] : [this.server, this.client];
    this.recorder.frame(src, dst, 6, tcpSegment(src, dst, seq, 0, flags, payload));
  }
}
