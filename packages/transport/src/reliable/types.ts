/**
 * The reliable engine works on abstract packets; a protocol layer (smartte-link) maps them onto its real header:
 *
 * | engine                         | SmartTE (smartte.md B.1/B.2)                              |
 * |--------------------------------|-----------------------------------------------------------|
 * | DataPacket {seq, ack, payload} | a reliable type (DATA, SET_TIME …): header seq, flag ACK + ack field when `ack` is set |
 * | AckPacket {ack}                | ACK (0x11)                                                |
 * | SyncPacket {ack}               | SYNC (0x12)                                               |
 *
 * `seq` and `ack` are wire numbers (in the caller's sequence space); `ext` is the extended number a sealing layer
 * builds its nonce from. `ack` undefined means "nothing received yet" (SmartTE: flag ACK clear).
 */
export interface DataPacket<P> {
  readonly kind: 'data';
  readonly seq: number;
  readonly ext: number;
  readonly ack: number | undefined;
  readonly payload: P;
}

/**
 * A selective-acknowledgement block: extended sequence numbers `start` (inclusive) to `end` (exclusive) that arrived
 * above the cumulative ack (RFC 2018 in spirit; SmartTE B.9).
 */
export interface SackBlock {
  readonly start: number;
  readonly end: number;
}

/** A pure acknowledgement (SmartTE: ACK). */
export interface AckPacket {
  readonly kind: 'ack';
  readonly ack: number | undefined;
  /** With `selectiveAck` on: the blocks held above the cumulative ack, the one with the newest arrival first. */
  readonly sack?: readonly SackBlock[];
}

/** An "are you there" probe while linking (SmartTE: SYNC); the peer answers with an ACK at once. */
export interface SyncPacket {
  readonly kind: 'sync';
  readonly ack: number | undefined;
}

/** A packet the engine asks its caller to put on the wire. */
export type OutgoingPacket<P> = DataPacket<P> | AckPacket | SyncPacket;

/** A packet from the peer, as the protocol layer decoded it. */
export type IncomingPacket<P> =
  | { readonly kind: 'data'; readonly seq: number; readonly ack?: number | undefined; readonly payload: P }
  | { readonly kind: 'ack'; readonly ack?: number | undefined; readonly sack?: readonly SackBlock[] | undefined }
  | { readonly kind: 'sync'; readonly ack?: number | undefined };

/**
 * A packet to put on the wire now. A retransmission carries the very same DataPacket object as the first
 * transmission (same seq, same ack, same payload): the protocol layer must send the identical datagram (cache the
 * encoded or sealed bytes by packet, e.g. in a WeakMap).
 */
export interface Transmission<P> {
  readonly packet: OutgoingPacket<P>;
  readonly retransmission: boolean;
}

/** A payload delivered in order, with its extended sequence number. */
export interface Delivery<P> {
  readonly ext: number;
  readonly payload: P;
}

/** What happened, for the protocol layer to report (linking, acks). */
export type ReliableEvent =
  /** N retransmissions of one packet went unanswered: data is paused, SYNC probes follow. */
  | { readonly type: 'linking'; readonly at: number }
  /** A packet from the peer ended linking. */
  | { readonly type: 'linked'; readonly at: number; readonly after: number }
  /** Linking lasted `outOfRangeDelay`. */
  | { readonly type: 'out-of-range'; readonly at: number }
  /** The peer acknowledged every packet up to extended number `upTo`. */
  | { readonly type: 'acked'; readonly upTo: number };

/** What the engine asks its caller to do after each input. */
export interface EngineOutput<P> {
  transmit: Transmission<P>[];
  deliver: Delivery<P>[];
  events: ReliableEvent[];
  /** Call `tick()` at this time (absolute, on the caller's clock); undefined: nothing to wait for (idle). */
  wakeAt: number | undefined;
}

/** How an incoming packet was taken. */
export type ReceiveVerdict = 'delivered' | 'buffered' | 'duplicate' | 'outside-window' | 'invalid-seq' | 'ack' | 'sync';

export interface ReceiveOutput<P> extends EngineOutput<P> {
  verdict: ReceiveVerdict;
  /** The extended number of an incoming data packet (undefined for ACK/SYNC or an invalid seq). */
  ext: number | undefined;
}

/**
 * Counters named after the vendor's (smartte.md, "Counters the vendor shows"): SNT data packets sent (first
 * transmissions), RCV data packets received new (in order or buffered), RTX retransmissions, DUP duplicates (replays
 * included), OSQ out-of-order packets buffered, TXF sends refused because the queue was full, SYN SYNC probes sent.
 * OOW counts packets dropped outside the receive window or with a seq outside the space.
 */
export interface ReliableCounters {
  SNT: number;
  RCV: number;
  RTX: number;
  DUP: number;
  OSQ: number;
  TXF: number;
  SYN: number;
  OOW: number;
}

/** Every protocol value of the engine: it holds none of its own (a protocol layer such as smartte-link passes them). */
export interface ReliableOptions {
  /** Wire sequence space, e.g. `{ first: 1, last: 65535 }` (wraps to `first`). */
  sequence: { first: number; last: number };
  /** RFC 6298 initial RTO in ms. */
  initialRto: number;
  minRto: number;
  maxRto: number;
  /** A pure ACK goes out this long after the first unacknowledged delivery unless data carries it first. */
  ackDelay: number;
  /**
   * A pure ACK goes out at once after this many packets delivered in order without one (default 2, RFC 5681 4.2's
   * "every second full-sized segment"). A larger value saves the datagrams and the work of ACKs on a bulk transfer
   * (fewer ACKs each acknowledge more); it must stay below `windowSize` so the sender is never stalled waiting for an
   * ACK the receiver holds back, and a lone packet's ACK still waits at most `ackDelay`.
   */
  ackEvery?: number;
  /** Most unacknowledged data packets in flight, and the receive window. */
  windowSize: number;
  /** Most payloads waiting behind a full window; one more fails `send` (TXF). */
  queueBound: number;
  /** Unanswered retransmissions of one packet before the engine reports linking. */
  linkingRetransmissions: number;
  /** While linking, a SYNC probe is asked for this often. */
  syncInterval: number;
  /** Linking this long reports out-of-range. */
  outOfRangeDelay: number;
  /**
   * Whether this side sends SYNC probes while linking (default true). A side that only ever answers (a SmartTE
   * server, B.5) turns them off: it pauses and waits for any packet from the peer.
   */
  linkingProbes?: boolean;
  /**
   * Selective acknowledgement and RACK-TLP fast loss recovery (RFC 2018, RFC 8985), off by default. Both sides must
   * have agreed on it (the protocol layer negotiates; SmartTE B.9). See `SelectiveAckOptions`.
   */
  selectiveAck?: SelectiveAckOptions;
}

/**
 * Loss recovery with selective acks: the receiver acks out-of-order arrivals at once with SACK blocks; the sender
 * never retransmits a SACKed packet, deems a packet lost when one sent after it was delivered and a reordering window
 * (SRTT / 4, at least `minReorderWindow`) has passed, sends one tail-loss probe after a probe time-out (2 × SRTT, at
 * least `minProbeTimeout`, below the RTO), and keeps the RTO as the last resort; linking counts RTO expiries only.
 * With no RTT sample yet, or when 2 × SRTT ≥ RTO, only the RTO runs.
 */
export interface SelectiveAckOptions {
  /** Most SACK blocks in one ACK. */
  maxBlocks: number;
  /** Floor of the RACK reordering window, ms. */
  minReorderWindow: number;
  /** Floor of the tail-loss probe time-out, ms. */
  minProbeTimeout: number;
}
