import { requireNumber, TransportError } from '../errors.js';
import { RttEstimator } from './rtt.js';
import { SequenceSpace } from './sequence.js';
import type {
  DataPacket,
  EngineOutput,
  IncomingPacket,
  ReceiveOutput,
  ReceiveVerdict,
  ReliableCounters,
  ReliableOptions,
  SackBlock,
  SelectiveAckOptions,
} from './types.js';

interface InFlight<P> {
  packet: DataPacket<P>;
  sentAt: number;
  /** When this packet was last retransmitted (undefined: sent once). */
  retransmittedAt: number | undefined;
  /** Selective ack: the peer holds it (never retransmitted again). */
  sacked: boolean;
}

/** RFC 8985 RACK state: the most recently sent packet known delivered, and its RTT. */
interface Rack {
  sentAt: number;
  ext: number;
  rtt: number;
}

interface Linking {
  since: number;
  nextSyncAt: number;
  outOfRangeAt: number;
  outOfRangeReported: boolean;
  syncs: number;
}

/**
 * A sans-IO reliable datagram engine: per-direction sequence numbers, cumulative acks (piggy-backed on data or as a
 * delayed pure ACK), RFC 6298 retransmission with Karn's rule, a send window with a bounded queue behind it, in-order
 * delivery with an out-of-order buffer, and "linking" when the peer stops answering (smartte.md, "Reliable layer").
 *
 * It reads no clock and sets no timer: every input carries `now`, and every output says what to transmit, what to
 * deliver, what happened, and when to call `tick()` next. Every protocol value is a required option.
 */
export class ReliableEngine<P> {
  readonly space: SequenceSpace;
  readonly counters: ReliableCounters = { SNT: 0, RCV: 0, RTX: 0, DUP: 0, OSQ: 0, TXF: 0, SYN: 0, OOW: 0 };
  private readonly o: ReliableOptions;
  private readonly rtt: RttEstimator;
  private sndNext = 1;
  private sndUna = 1;
  private readonly flight: InFlight<P>[] = [];
  private readonly queue: P[] = [];
  private retransmits = 0;
  private rtoDeadline: number | undefined;
  private rcvNext = 1;
  private readonly outOfOrder = new Map<number, P>();
  private ackDueAt: number | undefined;
  private link: Linking | undefined;
  /** While set, loss recovery is under way up to this extended number (RFC 6582 "recover"). */
  private recoverUntil: number | undefined;
  private dupAcks = 0;
  /** Packets delivered since the last ACK went out (pure or piggy-backed). */
  private unackedDeliveries = 0;
  private readonly sack: SelectiveAckOptions | undefined;
  private rack: Rack | undefined;
  private minRtt: number | undefined;
  /** RACK: the earliest time a packet not yet deemed lost will be, if nothing else is acked. */
  private reorderDeadline: number | undefined;
  /** Tail-loss probe deadline; one probe per stretch without new acks. */
  private probeDeadline: number | undefined;
  private probeSent = false;
  /** Receiver: the extended number of the newest out-of-order arrival (its SACK block goes first). */
  private newestOutOfOrder = 0;

  constructor(options: ReliableOptions) {
    this.space = new SequenceSpace(options.sequence);
    requireNumber('initialRto', options.initialRto, 1);
    requireNumber('minRto', options.minRto, 1);
    requireNumber('maxRto', options.maxRto, options.minRto);
    requireNumber('ackDelay', options.ackDelay, 0);
    // A window beyond half the space would make "nearest extended number" ambiguous.
    requireNumber('windowSize', options.windowSize, 1, Math.floor(this.space.span / 2));
    requireNumber('queueBound', options.queueBound, 0);
    if (options.ackEvery !== undefined) requireNumber('ackEvery', options.ackEvery, 1, options.windowSize - 1);
    requireNumber('linkingRetransmissions', options.linkingRetransmissions, 0);
    requireNumber('syncInterval', options.syncInterval, 1);
    requireNumber('outOfRangeDelay', options.outOfRangeDelay, 0);
    if (options.selectiveAck) {
      requireNumber('selectiveAck.maxBlocks', options.selectiveAck.maxBlocks, 1);
      requireNumber('selectiveAck.minReorderWindow', options.selectiveAck.minReorderWindow, 0);
      requireNumber('selectiveAck.minProbeTimeout', options.selectiveAck.minProbeTimeout, 0);
      this.sack = { ...options.selectiveAck };
    }
    this.o = { ...options, sequence: { ...options.sequence } };
    this.rtt = new RttEstimator(options.initialRto, options.minRto, options.maxRto);
  }

  /** Extended number the next new data packet will get, and the oldest one not yet acknowledged. */
  get sendSequence(): { next: number; unacked: number; wraps: number } {
    return { next: this.sndNext, unacked: this.sndUna, wraps: this.space.wraps(this.sndNext) };
  }

  /** Extended number expected next from the peer; `next − 1` is the last delivered in order. */
  get receiveSequence(): { next: number; lastDelivered: number; wraps: number } {
    return { next: this.rcvNext, lastDelivered: this.rcvNext - 1, wraps: this.space.wraps(this.rcvNext) };
  }

  /** The RFC 6298 state: smoothed RTT, variance, current RTO (backed off while retransmitting), samples taken. */
  get timing(): { srtt: number | undefined; rttvar: number | undefined; rto: number; samples: number } {
    return { srtt: this.rtt.srtt, rttvar: this.rtt.rttvar, rto: this.rtt.rto, samples: this.rtt.samples };
  }

  /** Data packets sent and not yet acknowledged. */
  get inFlight(): number {
    return this.flight.length;
  }

  /** Payloads waiting behind the full window. */
  get queued(): number {
    return this.queue.length;
  }

  /** Whether the peer stopped answering (data paused until any packet from it arrives). */
  get linking(): boolean {
    return this.link !== undefined;
  }

  /** SYNC probes asked for since linking began (the `n` of `[Linking] n`). */
  get linkingSyncs(): number {
    return this.link?.syncs ?? 0;
  }

  /** Nothing in flight, nothing queued, no ack owed: no traffic and no wake-up until something happens. */
  get idle(): boolean {
    return this.flight.length === 0 && this.queue.length === 0 && this.ackDueAt === undefined && !this.link;
  }

  /** Whether `send` would accept one more payload now. */
  get canSend(): boolean {
    return this.queue.length < this.o.queueBound || this.windowOpen();
  }

  /**
   * The extended number an incoming data packet with wire `seq` would get (for a sealing layer that must build the
   * nonce before it can open the payload); undefined when `seq` is outside the space.
   */
  extendIncoming(seq: number): number | undefined {
    return this.space.extend(seq, this.rcvNext);
  }

  /**
   * Queues a payload and transmits it when the window allows. Throws TRANSPORT_QUEUE_FULL (and counts TXF) when the
   * window is full and `queueBound` payloads already wait.
   */
  send(now: number, payload: P): EngineOutput<P> {
    if (!this.windowOpen() || this.queue.length > 0) {
      if (this.queue.length >= this.o.queueBound) {
        this.counters.TXF++;
        throw new TransportError('TRANSPORT_QUEUE_FULL', {
          what: 'reliable send',
          expected: `at most ${this.o.windowSize} in flight and ${this.o.queueBound} queued`,
          got: `${this.flight.length} in flight, ${this.queue.length} queued`,
        });
      }
    }
    this.queue.push(payload);
    const out = this.output();
    this.transmitNew(now, out);
    return this.finish(out);
  }

  /** Takes one packet from the peer. */
  receive(now: number, packet: IncomingPacket<P>): ReceiveOutput<P> {
    const out: ReceiveOutput<P> = {
      transmit: [],
      deliver: [],
      events: [],
      wakeAt: undefined,
      verdict: 'ack',
      ext: undefined,
    };
    if (this.sack) {
      const blocks = packet.kind === 'ack' ? packet.sack : undefined;
      // B.9: before anything was delivered in order, a SACK-carrying ACK has no cumulative ack.
      if (packet.ack !== undefined || blocks?.length) this.onSelectiveAck(now, packet.ack, blocks, out);
    } else if (packet.ack !== undefined) this.onAck(now, packet.ack, packet.kind === 'ack', out);
    // smartte.md: "any packet from the server ends linking and resumes retransmission".
    if (this.link) this.endLinking(now, out);
    if (packet.kind === 'data') {
      const ext = this.space.extend(packet.seq, this.rcvNext);
      out.ext = ext;
      out.verdict = ext === undefined ? 'invalid-seq' : this.onData(now, ext, packet.payload, out);
    } else if (packet.kind === 'sync') {
      // SYNC is "are you there": the peer answers with an ACK at once (smartte.md B.2).
      out.verdict = 'sync';
      this.pureAck(out);
    }
    this.transmitNew(now, out);
    this.finish(out);
    return out;
  }

  /**
   * Sends the delayed ACK now, if one is pending: for a receiver that knows no data of its own will follow to carry it
   * (the packet it just delivered asks for nothing back, and the sender waits for its ack before going on). A pending
   * ACK may be sent any time up to `ackDelay`; this is the early end of that range. Nothing when no ACK is pending.
   */
  ackNow(): EngineOutput<P> {
    const out = this.output();
    if (this.ackDueAt !== undefined) this.pureAck(out);
    return this.finish(out);
  }

  /** Runs whatever is due at `now`: a delayed ACK, a retransmission, a SYNC probe, the out-of-range report. */
  tick(now: number): EngineOutput<P> {
    const out = this.output();
    if (this.ackDueAt !== undefined && now >= this.ackDueAt) this.pureAck(out);
    if (this.link) {
      if (this.o.linkingProbes !== false && now >= this.link.nextSyncAt) {
        this.counters.SYN++;
        this.link.syncs++;
        out.transmit.push({ packet: { kind: 'sync', ack: this.currentAck() }, retransmission: false });
        this.link.nextSyncAt = Math.max(this.link.nextSyncAt + this.o.syncInterval, now + 1);
      }
      if (!this.link.outOfRangeReported && now >= this.link.outOfRangeAt) {
        this.link.outOfRangeReported = true;
        out.events.push({ type: 'out-of-range', at: now });
      }
    } else if (this.rtoDeadline !== undefined && now >= this.rtoDeadline) {
      this.onTimeout(now, out);
    } else if (this.sack) {
      if (this.reorderDeadline !== undefined && now >= this.reorderDeadline) this.detectLosses(now, out);
      if (this.probeDeadline !== undefined && now >= this.probeDeadline) this.probe(now, out);
    }
    return this.finish(out);
  }

  private onData(now: number, ext: number, payload: P, out: EngineOutput<P>): ReceiveVerdict {
    if (ext < this.rcvNext || this.outOfOrder.has(ext)) {
      // Duplicates (replays included) are acked at once, so a sender whose ack was lost stops retransmitting.
      this.counters.DUP++;
      this.pureAck(out);
      return 'duplicate';
    }
    if (ext >= this.rcvNext + this.o.windowSize) {
      this.counters.OOW++;
      return 'outside-window';
    }
    this.counters.RCV++;
    if (ext > this.rcvNext) {
      this.counters.OSQ++;
      this.outOfOrder.set(ext, payload);
      this.newestOutOfOrder = ext;
      // RFC 5681 4.2: an out-of-order packet elicits an immediate ACK, so the sender sees the gap (duplicate acks);
      // with selective acks it does so even before anything was delivered (its SACK blocks name what arrived).
      if (this.rcvNext > 1 || this.sack) this.pureAck(out);
      return 'buffered';
    }
    const fillsGap = this.outOfOrder.size > 0;
    out.deliver.push({ ext, payload });
    this.rcvNext++;
    for (let next = this.outOfOrder.get(this.rcvNext); next !== undefined; next = this.outOfOrder.get(this.rcvNext)) {
      this.outOfOrder.delete(this.rcvNext);
      out.deliver.push({ ext: this.rcvNext, payload: next });
      this.rcvNext++;
    }
    // RFC 5681 4.2: a packet that fills a gap is acknowledged at once, and so is every second packet (`ackEvery`); a
    // lone packet's ACK waits up to ackDelay for data to carry it.
    this.unackedDeliveries++;
    if (fillsGap || this.unackedDeliveries >= (this.o.ackEvery ?? 2)) this.pureAck(out);
    else this.ackDueAt ??= now + this.o.ackDelay;
    return 'delivered';
  }

  private onAck(now: number, wireAck: number, pure: boolean, out: EngineOutput<P>): void {
    if (this.sndNext === this.sndUna) return;
    const ext = this.space.extend(wireAck, this.sndNext - 1);
    if (ext === this.sndUna - 1 && pure) {
      // A duplicate ACK: the peer holds later packets but misses ours. The third one triggers a fast retransmit of
      // the oldest packet (RFC 5681 3.2) instead of waiting a whole RTO.
      this.dupAcks++;
      if (this.dupAcks === 3 && this.recoverUntil === undefined && !this.link) {
        this.recoverUntil = this.sndNext - 1;
        this.retransmit(now, this.flight[0]!, out);
        this.rtoDeadline = now + this.rtt.rto;
      }
      return;
    }
    // An ack below the window is stale; one above what was sent is bogus: both are ignored.
    if (ext === undefined || ext < this.sndUna || ext >= this.sndNext) return;
    const count = ext - this.sndUna + 1;
    const acked = this.flight.splice(0, count);
    this.onCumulativeAck(now, acked);
    this.sndUna = ext + 1;
    this.retransmits = 0;
    this.dupAcks = 0;
    out.events.push({ type: 'acked', upTo: ext });
    // RFC 6298 5.2 / 5.3: stop the timer when all is acked, otherwise restart it.
    this.rtoDeadline = this.flight.length === 0 ? undefined : now + this.rtt.rto;
    if (this.recoverUntil !== undefined) {
      if (ext >= this.recoverUntil || this.flight.length === 0) this.recoverUntil = undefined;
      // A partial ack during recovery names the next hole: retransmit it at once (RFC 6582 3.2 step 3).
      else if (!this.link) this.retransmit(now, this.flight[0]!, out);
    }
  }

  /**
   * Karn's rule (RFC 6298 section 3): no RTT sample from a retransmitted packet. The sample comes from the newest packet
   * this ack covers, only if it was sent once and after every retransmission the ack covers (an older hole repaired
   * later held this ack back and would inflate the sample); other packets acked with it do not void it.
   *
   * An ack for a packet that was sent once also ends the exponential backoff (RFC 6298 5.5) even when it gives no
   * sample: the path delivers again. Keeping the backed-off RTO until the next clean sample, as before, meant that
   * under steady loss — where nearly every cumulative ack is held by some repaired hole — the RTO climbed to maxRto and
   * stayed there, and each lost retransmission then cost seconds instead of one RTO.
   */
  private onCumulativeAck(now: number, acked: InFlight<P>[]): void {
    const newest = acked[acked.length - 1]!;
    if (newest.retransmittedAt !== undefined) return;
    for (const f of acked) {
      if (f.retransmittedAt !== undefined && f.retransmittedAt > newest.sentAt) {
        this.rtt.resetBackoff();
        return;
      }
    }
    this.sampleRtt(now - newest.sentAt);
  }

  private sampleRtt(rtt: number): void {
    this.rtt.sample(rtt);
    if (this.minRtt === undefined || rtt < this.minRtt) this.minRtt = Math.max(0, rtt);
  }

  /**
   * An ack with selective-ack blocks (B.9, RFC 8985): the cumulative part releases packets as before (Karn's rule for
   * the RTT), the blocks mark packets the peer holds, RACK then marks as lost what was sent before the newest
   * delivered packet and is a reordering window overdue, and the probe timer restarts on progress.
   */
  private onSelectiveAck(
    now: number,
    wireAck: number | undefined,
    blocks: readonly SackBlock[] | undefined,
    out: EngineOutput<P>,
  ): void {
    if (this.sndNext === this.sndUna) return;
    let progressed = false;
    const ext = wireAck === undefined ? undefined : this.space.extend(wireAck, this.sndNext - 1);
    if (ext !== undefined && ext >= this.sndUna && ext < this.sndNext) {
      const acked = this.flight.splice(0, ext - this.sndUna + 1);
      this.onCumulativeAck(now, acked);
      for (const f of acked) if (!f.sacked) this.delivered(now, f);
      this.sndUna = ext + 1;
      this.retransmits = 0;
      out.events.push({ type: 'acked', upTo: ext });
      this.rtoDeadline = this.flight.length === 0 ? undefined : now + this.rtt.rto;
      progressed = true;
    }
    let newestSacked: InFlight<P> | undefined;
    for (const b of blocks ?? []) {
      // Blocks at or below the cumulative ack, or beyond what was sent, are ignored (B.9).
      const from = Math.max(b.start, this.sndUna);
      const to = Math.min(b.end, this.sndNext);
      for (let e = from; e < to; e++) {
        const f = this.flight[e - this.sndUna]!;
        if (f.sacked) continue;
        f.sacked = true;
        this.delivered(now, f);
        if (f.retransmittedAt === undefined && (!newestSacked || f.sentAt >= newestSacked.sentAt)) newestSacked = f;
        progressed = true;
      }
    }
    // A SACKed packet that was sent once gives a clean RTT sample (Karn's rule holds: it was never repeated).
    if (newestSacked) this.sampleRtt(now - newestSacked.sentAt);
    if (!progressed) return;
    this.probeSent = false;
    if (this.flight.length > 0) this.rtoDeadline ??= now + this.rtt.rto;
    this.detectLosses(now, out);
    this.armProbe(now);
  }

  /**
   * RACK (RFC 8985 6.2): remember the most recently sent packet known delivered. An acked packet that was retransmitted
   * counts with its latest send time only if the ack came at least the minimum RTT after that send (else it acks the
   * earlier transmission).
   */
  private delivered(now: number, f: InFlight<P>): void {
    const sentAt = f.retransmittedAt ?? f.sentAt;
    const rtt = now - sentAt;
    if (f.retransmittedAt !== undefined && this.minRtt !== undefined && rtt < this.minRtt) return;
    const r = this.rack;
    if (!r || sentAt > r.sentAt || (sentAt === r.sentAt && f.packet.ext > r.ext)) {
      this.rack = { sentAt, ext: f.packet.ext, rtt };
    }
  }

  /** B.9: RACK loss marking and the probe run only with an RTT sample and while 2 × SRTT is below the RTO. */
  private fastRecoveryActive(): boolean {
    const srtt = this.rtt.srtt;
    return this.sack !== undefined && srtt !== undefined && 2 * srtt < this.rtt.rto;
  }

  /** RACK loss detection: retransmit at once every packet sent before the RACK packet and overdue by the window. */
  private detectLosses(now: number, out: EngineOutput<P>): void {
    this.reorderDeadline = undefined;
    const r = this.rack;
    if (!r || !this.fastRecoveryActive()) return;
    const window = Math.max(this.sack!.minReorderWindow, this.rtt.srtt! / 4);
    for (const f of this.flight) {
      if (f.sacked) continue;
      const sentAt = f.retransmittedAt ?? f.sentAt;
      if (sentAt > r.sentAt || (sentAt === r.sentAt && f.packet.ext >= r.ext)) continue;
      const deadline = sentAt + r.rtt + window;
      if (now >= deadline) this.retransmit(now, f, out, false);
      else this.reorderDeadline = earliest(this.reorderDeadline, deadline);
    }
  }

  /** Tail-loss probe time-out: 2 × SRTT (with a floor), only while it stays below the RTO. */
  private armProbe(now: number): void {
    this.probeDeadline = undefined;
    if (this.probeSent || !this.fastRecoveryActive() || !this.flight.some((f) => !f.sacked)) return;
    const at = now + Math.max(this.sack!.minProbeTimeout, 2 * this.rtt.srtt!);
    if (this.rtoDeadline === undefined || at < this.rtoDeadline) this.probeDeadline = at;
  }

  /** One tail-loss probe: the newest packet the peer does not hold, again, so its ack reveals any loss before it. */
  private probe(now: number, out: EngineOutput<P>): void {
    this.probeDeadline = undefined;
    this.probeSent = true;
    for (let i = this.flight.length - 1; i >= 0; i--) {
      const f = this.flight[i]!;
      if (!f.sacked) {
        this.retransmit(now, f, out, false);
        return;
      }
    }
  }

  /**
   * The SACK blocks of what is buffered above the cumulative ack: runs of consecutive extended numbers, the one with
   * the newest arrival first, then the rest from the highest down, at most `maxBlocks`.
   */
  private sackBlocks(): SackBlock[] {
    const exts = [...this.outOfOrder.keys()].sort((a, b) => a - b);
    const runs: SackBlock[] = [];
    for (const e of exts) {
      const last = runs[runs.length - 1];
      if (last && last.end === e) runs[runs.length - 1] = { start: last.start, end: e + 1 };
      else runs.push({ start: e, end: e + 1 });
    }
    const newest = runs.findIndex((b) => this.newestOutOfOrder >= b.start && this.newestOutOfOrder < b.end);
    const ordered = newest < 0 ? [] : [runs[newest]!];
    for (let i = runs.length - 1; i >= 0; i--) if (i !== newest) ordered.push(runs[i]!);
    return ordered.slice(0, this.sack!.maxBlocks);
  }

  private onTimeout(now: number, out: EngineOutput<P>): void {
    const oldest = this.flight[0];
    if (!oldest) {
      this.rtoDeadline = undefined;
      return;
    }
    if (this.retransmits >= this.o.linkingRetransmissions) {
      this.startLinking(now, out);
      return;
    }
    if (this.sack) {
      // The last resort (B.9): the oldest packet the peer does not hold goes again; RACK repairs the rest once its
      // ack shows that everything sent before it and not SACKed was lost.
      this.retransmit(now, this.flight.find((f) => !f.sacked) ?? oldest, out);
      this.rtt.backOff();
      this.rtoDeadline = now + this.rtt.rto;
      this.probeDeadline = undefined;
      this.probeSent = true;
      return;
    }
    // RFC 6298 5.4–5.6: retransmit the earliest unacknowledged packet, back off, restart the timer; the packets sent
    // before the time-out are then repaired one partial ack at a time.
    this.retransmit(now, oldest, out);
    this.recoverUntil = this.sndNext - 1;
    this.rtt.backOff();
    this.rtoDeadline = now + this.rtt.rto;
  }

  /**
   * Retransmits `f` as the identical packet. Without selective acks `f` is always the oldest unacknowledged packet and
   * every retransmission counts towards linking; with them only RTO expiries do (B.9: fast retransmissions and probes
   * are not a sign that the peer is gone).
   */
  private retransmit(now: number, f: InFlight<P>, out: EngineOutput<P>, countsForLinking = true): void {
    f.retransmittedAt = now;
    if (countsForLinking) this.retransmits++;
    this.counters.RTX++;
    out.transmit.push({ packet: f.packet, retransmission: true });
  }

  private startLinking(now: number, out: EngineOutput<P>): void {
    this.rtoDeadline = undefined;
    this.reorderDeadline = undefined;
    this.probeDeadline = undefined;
    this.link = {
      since: now,
      nextSyncAt: now,
      outOfRangeAt: now + this.o.outOfRangeDelay,
      outOfRangeReported: false,
      syncs: 0,
    };
    out.events.push({ type: 'linking', at: now });
    if (this.o.linkingProbes === false) return;
    // The first probe goes out at once; the rest every syncInterval.
    this.counters.SYN++;
    this.link.syncs++;
    out.transmit.push({ packet: { kind: 'sync', ack: this.currentAck() }, retransmission: false });
    this.link.nextSyncAt = now + this.o.syncInterval;
  }

  private endLinking(now: number, out: EngineOutput<P>): void {
    const since = this.link!.since;
    this.link = undefined;
    this.retransmits = 0;
    this.recoverUntil = undefined;
    this.dupAcks = 0;
    this.probeSent = false;
    this.rtt.resetBackoff();
    out.events.push({ type: 'linked', at: now, after: now - since });
    const oldest = this.flight[0];
    if (oldest) {
      this.retransmit(now, oldest, out);
      this.rtoDeadline = now + this.rtt.rto;
    }
  }

  private transmitNew(now: number, out: EngineOutput<P>): void {
    while (this.queue.length > 0 && this.windowOpen()) {
      const payload = this.queue.shift() as P;
      const ext = this.sndNext++;
      const packet: DataPacket<P> = {
        kind: 'data',
        seq: this.space.toWire(ext),
        ext,
        ack: this.currentAck(),
        payload,
      };
      this.flight.push({ packet, sentAt: now, retransmittedAt: undefined, sacked: false });
      this.counters.SNT++;
      out.transmit.push({ packet, retransmission: false });
      // The ack rides on the data packet: no pure ACK needed.
      this.ackDueAt = undefined;
      this.unackedDeliveries = 0;
      this.rtoDeadline ??= now + this.rtt.rto;
      if (this.sack) this.armProbe(now);
    }
  }

  private pureAck(out: EngineOutput<P>): void {
    this.ackDueAt = undefined;
    this.unackedDeliveries = 0;
    const ack = this.currentAck();
    const packet =
      this.sack && this.outOfOrder.size > 0
        ? { kind: 'ack' as const, ack, sack: this.sackBlocks() }
        : { kind: 'ack' as const, ack };
    out.transmit.push({ packet, retransmission: false });
  }

  private currentAck(): number | undefined {
    return this.rcvNext > 1 ? this.space.toWire(this.rcvNext - 1) : undefined;
  }

  private windowOpen(): boolean {
    return !this.link && this.flight.length < this.o.windowSize;
  }

  private output(): EngineOutput<P> {
    return { transmit: [], deliver: [], events: [], wakeAt: undefined };
  }

  private finish(out: EngineOutput<P>): EngineOutput<P> {
    let wake = this.ackDueAt;
    if (this.link) {
      if (this.o.linkingProbes !== false) wake = earliest(wake, this.link.nextSyncAt);
      if (!this.link.outOfRangeReported) wake = earliest(wake, this.link.outOfRangeAt);
    } else {
      wake = earliest(wake, this.rtoDeadline);
      wake = earliest(wake, this.reorderDeadline);
      wake = earliest(wake, this.probeDeadline);
    }
    out.wakeAt = wake;
    return out;
  }
}

function earliest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  return b === undefined || a <= b ? a : b;
}
