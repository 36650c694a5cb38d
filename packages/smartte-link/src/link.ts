import { type Action, close, emit, type Input, type Machine, send, wake } from '@portico/machine';
import {
  type Ack,
  type ConnectRequest,
  decode,
  EspCode,
  encode,
  encodePrepared,
  extendCounter,
  formatEsp,
  type Packet,
  type PacketHeaderFields,
  openSync,
  type PreparedPayload,
  preparePayload,
  RELIABLE_PACKET_TYPES,
  SEALED_UNRELIABLE_PACKET_TYPES,
  type SealedPacket,
  type SealingLevel,
  type SyncLinkKeys,
  sealSync,
  SMARTTE_LIMITS,
  SMARTTE_LINK_PARAMETERS,
} from '@portico/smartte-codec';
import {
  type DataPacket,
  type EngineOutput,
  type IncomingPacket,
  isTransportError,
  ReliableEngine,
  type ReceiveVerdict,
  type SackBlock,
} from '@portico/transport';
import { type LinkCounters, newCounters } from './counters.js';
import { SmartTeLinkError } from './errors.js';
import { engineOptions, type LinkRole, type SmartTeLinkOptions } from './options.js';
import { type ResumeVerdict, resumeProofFor, verifyResumeProofWith } from './resume.js';
import { type LinkKeysForLevel, sealingLevelOf } from './sealing.js';
import type { LazyLinkKeys } from './keys.js';
import { DatagramSlab } from './slab.js';

/** Bytes per slab of DATA datagrams: 13 full-size SmartTE datagrams (1,200 bytes). */
const SLAB_BYTES = 16 * 1024;
/**
 * One slab for the datagrams of every link in the process. A slab per link gave each link a fresh 16 KiB buffer
 * whenever it went from idle to sending: a server running a thousand handshakes at once allocated (and zero-filled,
 * and later collected) about 4,000 of them, 64 MB, for 40-byte control packets, the largest item after `sendmsg` in
 * both processes of the issue-14 handshake bench (GC 12–14 % of their CPU, `allocate` 3–5 %). Shared, those packets
 * fill a few buffers; an idle link still holds none, and a buffer lives as long as its longest-kept datagram.
 */
const sharedSlab = new DatagramSlab(SLAB_BYTES);

/** The packets the reliable layer carries (B.2 "reliable" column). */
export type ReliablePacket = Extract<
  Packet,
  {
    type:
      | 'GET_DEVICE_CONFIG'
      | 'DEVICE_CONFIG'
      | 'SET_DEVICE_CONFIG'
      | 'SET_TIME'
      | 'HOST_MENU'
      | 'HOST_SELECT'
      | 'DATA'
      | 'ECHO_REQUEST'
      | 'ECHO_RESPONSE'
      | 'ERROR';
  }
>;
/** A reliable packet as a role hands it to the link: the header fields (seq, ack, token) are the link's. */
export type LinkPayload = ReliablePacket extends infer T
  ? T extends unknown
    ? Omit<T, 'seq' | 'ack' | 'token'>
    : never
  : never;

/** The link's commands (besides the runtime's `receive`, `wake` and `closed`). */
export type LinkCommand =
  /** Send one reliable packet. Throws SmartTeLinkError LINK_QUEUE_FULL (and counts TXF) when the queue is full. */
  | { readonly type: 'send'; readonly packet: LinkPayload }
  /** End the session: one DISCONNECT (B.7 reason) and the transport closes. */
  | { readonly type: 'disconnect'; readonly reason: number; readonly text: string }
  /**
   * Send the pending ACK at once instead of up to 50 ms later (B.5 "a pure ACK within 50 ms"): for a role that
   * delivered a packet it sends nothing back for while the peer waits on its ack (the server's steps 7 and 8).
   */
  | { readonly type: 'ack-now' }
  /**
   * B.5 resume: a new epoch after the device returned to this session (RESUMED=1). `peerLastDelivered` is the
   * REGISTER_REQUEST/REGISTER_ACCEPT value from the peer: the last extended sequence number it delivered in order in
   * the old epoch. Sequence numbers restart at 1, the sealing state restarts (a new switch-over with the new keys),
   * and the packets the peer had not delivered come back in an `epoch` event for the role to send again (re-sealed
   * under the new keys) once steps 5–8 have run.
   */
  | {
      readonly type: 'new-epoch';
      readonly token: number;
      readonly peerLastDelivered: number;
      readonly selectiveAck?: boolean;
      readonly sealing?: LinkKeysForLevel;
    };

/**
 * Where the link is: `open` (data flows), `linking` (B.5: 5 unanswered retransmissions, data paused), `out-of-range`
 * (the client has been linking for 30 s), `closed` (DISCONNECT either way, or the transport closed). README: "States".
 */
export type LinkState = 'open' | 'linking' | 'out-of-range' | 'closed';

/** Why a datagram was dropped without effect (counted in BAD). */
export type DropReason =
  | 'undecodable'
  | 'foreign-token'
  | 'sack-not-agreed'
  | 'sealed'
  | 'unsealed'
  | 'forged'
  | 'replayed'
  | 'not-a-link-packet'
  | 'outside-window'
  | 'invalid-seq';

/** What the link tells its role, emitted in order with the datagrams of the same input (README: "Events"). */
export type LinkEvent =
  /** A reliable packet from the peer, in order, exactly once. */
  | { readonly type: 'deliver'; readonly ext: number; readonly packet: ReliablePacket }
  /** The peer holds every packet up to extended number `upTo` (a role waiting for "its ack", B.5 steps 5–8). */
  | { readonly type: 'acked'; readonly upTo: number }
  /** B.5: N unanswered retransmissions; data paused (the client probes with SYNC, the server waits silently). */
  | { readonly type: 'linking'; readonly at: number }
  /** A packet from the peer ended linking. */
  | { readonly type: 'linked'; readonly at: number; readonly after: number }
  /** The client has been linking for 30 s. */
  | { readonly type: 'out-of-range'; readonly at: number }
  /** B.5: while linking, this probe is a resume CONNECT_REQUEST (every third); the client role sends it. */
  | { readonly type: 'resume-due'; readonly probe: number }
  /** What the device shows (client only): `[Linking] n`, `[Out of Range] n`, `eSP0001`. */
  | { readonly type: 'status'; readonly text: string }
  /** B.5: ERROR eSP0001, accepted in any state: the client starts over with a CONNECT_REQUEST. */
  | { readonly type: 'session-not-found'; readonly code: string; readonly text: string }
  /**
   * A new epoch began (B.5): `carried` are the packets of the old epoch the peer had not delivered, in order (queued
   * ones included), for the role to send again; `dropped` how many the peer had delivered though their ack was lost.
   */
  | { readonly type: 'epoch'; readonly epoch: number; readonly carried: LinkPayload[]; readonly dropped: number }
  /** The peer sent DISCONNECT (B.7 reason). */
  | { readonly type: 'disconnected'; readonly reason: number; readonly text: string }
  /** A datagram had no effect (counted in BAD); `error` is the codec's when it did not decode or open. */
  | { readonly type: 'dropped'; readonly reason: DropReason; readonly error?: unknown };

type LinkAction = Action<Uint8Array, LinkEvent>;

const DROP_OF_VERDICT: Partial<Record<ReceiveVerdict, DropReason>> = {
  'outside-window': 'outside-window',
  'invalid-seq': 'invalid-seq',
};

/**
 * The SmartTE link (smartte.md B.5 "Reliable layer", B.9, B.10) as one sans-IO machine, the same for both roles:
 * datagrams in (`receive`), reliable packets in (`send` command), datagrams and events out. Transport's reliable
 * engine decides what goes when; this machine maps it onto the SmartTE header (seq, flag ACK + ack, token), keeps
 * the identical bytes of every first transmission for its retransmissions, counts the B.10 statistics, shows the
 * client's `[Linking] n` / `[Out of Range] n`, and carries B.9 SACK blocks in ACK payloads when they were agreed.
 * It also seals and opens (B.6), starts resume epochs (B.5) and builds and checks their RESUME_PROOF.
 */
export class SmartTeLink implements Machine<Input<Uint8Array, LinkCommand>, Uint8Array, LinkEvent> {
  private current: ReliableEngine<LinkPayload>;
  /** The B.10 statistics of this link, over all its epochs. */
  readonly counters: LinkCounters = newCounters();
  /** Which side this link runs. */
  readonly role: LinkRole;
  private tokenValue: number;
  private sack: boolean;
  /** Epochs so far (0: the first; B.5 resume starts another). */
  epoch = 0;
  /** Payloads handed to the engine in this epoch and not yet acknowledged: the one at index i has ext `base + i`. */
  private outstanding: LinkPayload[] = [];
  private outstandingBase = 1;
  /**
   * The datagram of every packet transmitted and not yet acknowledged, indexed like `outstanding`, so a
   * retransmission resends the identical bytes (B.5, B.9). An array beside `outstanding` rather than a WeakMap keyed
   * by the engine's packet: a WeakMap entry per datagram made every garbage collection of a bulk transfer walk
   * ephemerons (profiled: GC and WeakMap stores were a fifth of the link's CPU time).
   */
  private sentBytes: Uint8Array[] = [];
  /** The payload `send` encoded while checking it, for its first transmission in the same call (`encodePrepared`). */
  private prepared: { packet: LinkPayload; payload: PreparedPayload } | undefined;
  /** A wake-up the runner still holds for us (the `at` last asked for), until a `wake` input consumes it. */
  private pendingWake: number | undefined;
  private outOfRange = false;
  private ended = false;
  // B.6 sealing state.
  private keysFor: LinkKeysForLevel | undefined;
  /** The epoch's keys, from the switch-over on (SET_DEVICE_CONFIG with a level > 0). */
  private keys: SyncLinkKeys | undefined;
  /** Reliable packets with a higher extended number are sealed at their first transmission. */
  private sealAbove: number | undefined;
  /** Client: unsealed reliable packets are still taken up to this extended number (SET_DEVICE_CONFIG's). */
  private unsealedUpTo: number | undefined;
  /** Server: the client's first sealed packet was opened; unsealed ones are dropped from then on. */
  private peerSealed = false;
  /** Our counter of sealed ACK/SYNC/DISCONNECT, and the highest of the peer's we opened (B.6 replay rule). */
  private sealedSent = 0;
  private sealedOpened = 0;
  /** B.5: whether any epoch of this session switched to sealing (then a resume needs RESUME_PROOF). */
  private everSealed = false;
  /** B.5: the client → server keys of the last two epochs that sealed, newest last (RESUME_PROOF). */
  private resumeKeys: Uint8Array[] = [];

  constructor(options: SmartTeLinkOptions) {
    this.role = options.role;
    this.tokenValue = options.token;
    this.keysFor = options.sealing;
    this.sack = options.selectiveAck ?? false;
    this.current = new ReliableEngine<LinkPayload>(engineOptions(this.role, this.sack));
  }

  /** Transport's reliable engine of the current epoch (its counters, timing and sequence state). */
  get engine(): ReliableEngine<LinkPayload> {
    return this.current;
  }

  /** The session token of the current epoch. */
  get token(): number {
    return this.tokenValue;
  }

  /** Whether B.9 was agreed for the current epoch. */
  get selectiveAck(): boolean {
    return this.sack;
  }

  /** B.3 REGISTER payload of a resume: the last extended sequence number delivered in order in this epoch. */
  get lastDelivered(): number {
    return this.current.receiveSequence.lastDelivered;
  }

  /** Whether this side seals what it sends (B.6 switch-over has happened). */
  get sealing(): boolean {
    return this.keys !== undefined;
  }

  /** The link's state (README: "States"). */
  get state(): LinkState {
    if (this.ended) return 'closed';
    if (!this.engine.linking) return 'open';
    return this.outOfRange ? 'out-of-range' : 'linking';
  }

  /**
   * Client, B.5: `request` (the resume CONNECT_REQUEST: same UID and SESSION_INDEX, a new CLIENT_NONCE) with its
   * RESUME_PROOF = HMAC-SHA256(c2s key of the last epoch that sealed, "portico-smartte v1 resume" ‖ CLIENT_NONCE ‖
   * CLIENT_KEY ‖ UID ‖ SESSION_INDEX). Returned unchanged (without a proof) when no epoch of this session was sealed:
   * an unencrypted session is resumed without one. Call it when the link says `resume-due`, before `new-epoch`.
   */
  withResumeProof(request: ConnectRequest): ConnectRequest {
    const key = this.resumeKeys[this.resumeKeys.length - 1];
    const { resumeProof: _stale, ...rest } = request;
    return key === undefined ? rest : { ...rest, resumeProof: resumeProofFor(key, request) };
  }

  /**
   * Server, B.5: what to do with `request`, a CONNECT_REQUEST for this live session's UID + SESSION_INDEX. `resume`
   * when no epoch of the session was sealed ("an unencrypted old epoch is always resumed"), or when its RESUME_PROOF
   * is valid under the c2s key of one of the last two sealed epochs; otherwise `takeover` (no proof, a forged one, one
   * made for another CLIENT_NONCE, UID or index, or with an older key). Counts nothing: on `resume` give the link
   * `new-epoch` (RCO is counted there); on `takeover` the role ends this session.
   */
  checkResumeProof(request: ConnectRequest): ResumeVerdict {
    if (!this.everSealed) return 'resume';
    return verifyResumeProofWith(this.resumeKeys, request) ? 'resume' : 'takeover';
  }

  /** The machine contract (`@portico/machine`): one input at `now`, the datagrams, events and wake-up it causes. */
  handle(input: Input<Uint8Array, LinkCommand>, now: number): Action<Uint8Array, LinkEvent>[] {
    switch (input.type) {
      case 'send':
        return this.onSend(input.packet, now);
      case 'new-epoch':
        return this.onNewEpoch(input);
      case 'disconnect':
        return this.onDisconnect(input.reason, input.text);
      case 'ack-now':
        return this.ended ? [] : this.perform(this.engine.ackNow());
      case 'receive':
        return this.onDatagram(input.message, now);
      case 'wake':
        this.pendingWake = undefined;
        return this.ended ? [] : this.perform(this.engine.tick(now));
      case 'closed':
        this.ended = true;
        return [wake(undefined)];
    }
  }

  private onSend(packet: LinkPayload, now: number): LinkAction[] {
    if (this.ended) throw this.refuse('LINK_CLOSED', 'an open link', 'a closed link');
    if (
      !RELIABLE_PACKET_TYPES.has(packet.type) ||
      (packet.type === 'ERROR' && packet.code === EspCode.SESSION_NOT_FOUND)
    ) {
      throw this.refuse('LINK_NOT_RELIABLE', 'a reliable packet of B.2 (ERROR eSP0001 is not)', String(packet.type));
    }
    const prepared = this.checkSize(packet);
    let out: EngineOutput<LinkPayload>;
    try {
      out = this.engine.send(now, packet);
      this.outstanding.push(packet);
    } catch (e) {
      if (!isTransportError(e, 'TRANSPORT_QUEUE_FULL')) throw e;
      this.counters.TXF++;
      throw new SmartTeLinkError('LINK_QUEUE_FULL', {
        what: `send ${packet.type}`,
        expected: e.expected ?? `at most ${SMARTTE_LINK_PARAMETERS.queueBound} queued`,
        got: e.got ?? 'a full queue',
        state: this.state,
        cause: e,
      });
    }
    // Transmitted now (the usual case), the packet is framed from the payload its check already encoded.
    this.prepared = prepared && { packet, payload: prepared };
    try {
      return this.perform(out);
    } finally {
      this.prepared = undefined;
    }
  }

  /**
   * Refuses at `send` what could not be encoded later, when it is due (B conventions: at most 1,200 bytes); the
   * payload it encoded for that is kept for the first transmission if it happens in the same call (none for DATA,
   * whose bytes are the payload).
   */
  private checkSize(packet: LinkPayload): PreparedPayload | undefined {
    if (packet.type === 'DATA') {
      // B.3: 1,184 payload bytes in the clear, 1,168 when the session may be sealed.
      const max = this.keysFor ? SMARTTE_LIMITS.maxSealedDataPayload : SMARTTE_LIMITS.maxDataPayload;
      if (packet.data.length <= max) return undefined;
      throw this.refuse('LINK_TOO_LARGE', `at most ${max} DATA bytes`, `${packet.data.length}`);
    }
    try {
      return preparePayload(packet);
    } catch (e) {
      throw new SmartTeLinkError('LINK_TOO_LARGE', {
        what: `send ${packet.type}`,
        expected: 'a packet that encodes within 1,200 bytes',
        got: e instanceof Error ? e.message : String(e),
        state: this.state,
        cause: e,
      });
    }
  }

  private refuse(code: 'LINK_CLOSED' | 'LINK_NOT_RELIABLE' | 'LINK_TOO_LARGE', expected: string, got: string) {
    return new SmartTeLinkError(code, { what: 'link send', expected, got, state: this.state });
  }

  private onNewEpoch(e: LinkCommand & { type: 'new-epoch' }): LinkAction[] {
    if (this.ended) throw this.refuse('LINK_CLOSED', 'an open link', 'a closed link');
    // What the peer delivered is not sent twice, even when its ack never came (B.3 REGISTER payloads).
    const skip = Math.max(0, Math.min(this.outstanding.length, e.peerLastDelivered - this.outstandingBase + 1));
    const carried = this.outstanding.slice(skip);
    this.epoch++;
    if (this.role === 'server') this.counters.RCO++;
    this.tokenValue = e.token;
    this.sack = e.selectiveAck ?? false;
    this.keysFor = e.sealing;
    this.current = new ReliableEngine<LinkPayload>(engineOptions(this.role, this.sack));
    this.outstanding = [];
    this.sentBytes = [];
    this.outstandingBase = 1;
    this.outOfRange = false;
    this.keys = undefined;
    this.sealAbove = undefined;
    this.unsealedUpTo = undefined;
    this.peerSealed = false;
    this.sealedSent = 0;
    this.sealedOpened = 0;
    this.pendingWake = undefined;
    return [wake(undefined), emit({ type: 'epoch', epoch: this.epoch, carried, dropped: skip })];
  }

  private onDisconnect(reason: number, text: string): LinkAction[] {
    if (this.ended) return [];
    this.ended = true;
    const bye = this.unreliable({ type: 'DISCONNECT', seq: 0, token: this.token, reason, text }, undefined);
    // One step: the DISCONNECT is the close's final datagram, so the transport writes it before it closes (a send
    // followed by a separate close could lose it: a socket closed right after a send drops what is still queued).
    return [wake(undefined), close('disconnect', { final: bye })];
  }

  private drop(reason: DropReason, error?: unknown): LinkAction[] {
    this.counters.BAD++;
    return [emit(error === undefined ? { type: 'dropped', reason } : { type: 'dropped', reason, error })];
  }

  private onDatagram(datagram: Uint8Array, now: number): LinkAction[] {
    if (this.ended) return [];
    let packet: ReturnType<typeof decode>;
    try {
      packet = decode(datagram);
    } catch (error) {
      return this.drop('undecodable', error);
    }
    if (packet.token !== this.token) return this.drop('foreign-token');
    if (packet.type === 'SEALED') return this.onSealed(packet, datagram, now);
    // B.5/B.6: eSP0001 travels with seq 0, is never sealed, and is accepted in any state.
    if (packet.type === 'ERROR' && packet.code === EspCode.SESSION_NOT_FOUND && packet.seq === 0) {
      return this.onSessionNotFound(packet.text);
    }
    if (this.refusesUnsealed(packet)) return this.drop('unsealed');
    return this.onPacket(packet, now);
  }

  /**
   * B.6: the client drops unsealed packets once it has received SET_DEVICE_CONFIG (except retransmissions of packets
   * up to it, which the reliable layer takes as duplicates and acknowledges, sealed); the server drops them once it
   * has opened the client's first sealed one.
   */
  private refusesUnsealed(packet: { type: string; seq: number }): boolean {
    if (this.role === 'server') return this.peerSealed;
    if (this.unsealedUpTo === undefined) return false;
    if (!RELIABLE_PACKET_TYPES.has(packet.type as ReliablePacket['type'])) return true;
    const ext = this.engine.extendIncoming(packet.seq);
    return ext === undefined || ext > this.unsealedUpTo;
  }

  /** A sealed datagram (B.6): its counter, the replay rule of ACK/SYNC/DISCONNECT, then open; forged ones are dropped. */
  private onSealed(h: SealedPacket, datagram: Uint8Array, now: number): LinkAction[] {
    if (!this.keys) return this.drop('sealed');
    const reliable = RELIABLE_PACKET_TYPES.has(h.packetType);
    if (!reliable && !SEALED_UNRELIABLE_PACKET_TYPES.has(h.packetType)) return this.drop('not-a-link-packet');
    const counter = reliable ? this.engine.extendIncoming(h.seq) : extendCounter(h.seq, this.sealedOpened);
    if (counter === undefined || counter < 1) return this.drop('invalid-seq');
    if (!reliable && counter <= this.sealedOpened) {
      // B.6: "a receiver accepts only counters above the highest it has opened"; B.10 AGD counts stale SYNCs.
      if (h.packetType === 'SYNC') this.counters.AGD++;
      return this.drop('replayed');
    }
    let packet: Packet;
    try {
      packet = openSync(this.keys, datagram, counter);
    } catch (error) {
      return this.drop('forged', error);
    }
    if (!reliable) this.sealedOpened = counter;
    this.peerSealed = true;
    return this.onPacket(packet, now);
  }

  private onPacket(packet: Packet, now: number): LinkAction[] {
    switch (packet.type) {
      case 'ACK':
        return this.onAck(packet, now);
      case 'SYNC':
        // "Are you there": answered with an ACK at once (B.2); the server counts SOK.
        this.counters.SOK++;
        return this.perform(this.engine.receive(now, { kind: 'sync', ack: packet.ack }));
      case 'DISCONNECT':
        this.ended = true;
        return [
          emit({ type: 'disconnected', reason: packet.reason, text: packet.text }),
          wake(undefined),
          { type: 'close', reason: 'peer-disconnect' },
        ];
      default:
        if (!RELIABLE_PACKET_TYPES.has(packet.type)) return this.drop('not-a-link-packet');
    }
    const incoming: IncomingPacket<LinkPayload> = {
      kind: 'data',
      seq: packet.seq,
      ack: packet.ack,
      payload: packet as ReliablePacket,
    };
    return this.perform(this.engine.receive(now, incoming));
  }

  /** A pure ACK; B.9 SACK blocks in it only when B.9 was agreed ("Without agreement an ACK payload must be empty"). */
  private onAck(packet: Ack, now: number): LinkAction[] {
    if (packet.sack === undefined) return this.perform(this.engine.receive(now, { kind: 'ack', ack: packet.ack }));
    if (!this.selectiveAck) return this.drop('sack-not-agreed');
    return this.perform(this.engine.receive(now, { kind: 'ack', ack: packet.ack, sack: packet.sack }));
  }

  private onSessionNotFound(text: string): LinkAction[] {
    const code = formatEsp(EspCode.SESSION_NOT_FOUND);
    const actions: LinkAction[] = [emit({ type: 'session-not-found', code, text })];
    if (this.role === 'client') actions.push(emit({ type: 'status', text: code }));
    return actions;
  }

  /** Puts the engine's decisions on the wire and out as events, counting B.10 statistics on the way. */
  private perform(out: EngineOutput<LinkPayload> & { verdict?: ReceiveVerdict }): LinkAction[] {
    const actions: LinkAction[] = [];
    const verdict = out.verdict;
    if (verdict === 'duplicate') this.counters.DUP++;
    else if (verdict === 'buffered') this.counters.OOS++;
    const dropped = verdict === undefined ? undefined : DROP_OF_VERDICT[verdict];
    if (dropped) actions.push(...this.drop(dropped));
    // B.6: the client seals everything it sends once it has received SET_DEVICE_CONFIG, this output's ACK included.
    if (this.role === 'client' && this.keysFor && !this.keys) {
      for (const d of out.deliver) {
        const level = sealingLevelOf(d.payload);
        if (level === undefined) continue;
        // Keys agreed on first use may give no secret (a SERVER_KEY that is a low-order point or garbage): no switch-over
        // then, and the role, which sees this SET_DEVICE_CONFIG next, refuses the session (B.6) instead of a throw here.
        if (!keysUsable(this.keysFor)) continue;
        this.switchOver(level, this.engine.sendSequence.next - 1);
        this.unsealedUpTo = d.ext;
      }
    }
    for (const t of out.transmit) {
      const p = t.packet;
      if (p.kind === 'data') {
        actions.push(send(t.retransmission ? this.retransmission(p) : this.firstTransmission(p)));
      } else if (p.kind === 'ack') {
        if (verdict === 'buffered') this.counters.IMS++;
        actions.push(send(this.ackDatagram(p.ack, p.sack)));
      } else {
        const probe = this.engine.linkingSyncs;
        if (probe % SMARTTE_LINK_PARAMETERS.resumeEverySyncs === 0) {
          // B.5: "in place of every third SYNC" the client sends a resume CONNECT_REQUEST to the server port: that
          // request is the role's (UID, nonce, RESUME_PROOF), so the link asks for it.
          actions.push(emit({ type: 'resume-due', probe }));
        } else {
          this.counters.SYN++;
          actions.push(send(this.unreliable({ type: 'SYNC', seq: 0, token: this.token }, p.ack)));
        }
        if (this.role === 'client') actions.push(emit({ type: 'status', text: this.deviceStatus() }));
      }
    }
    for (const d of out.deliver) {
      this.counters.PRCV++;
      const packet = d.payload as ReliablePacket;
      if (packet.type === 'DATA') this.counters.bytesReceived += packet.data.length;
      actions.push(emit({ type: 'deliver', ext: d.ext, packet }));
    }
    for (const e of out.events) {
      if (e.type === 'linked') this.outOfRange = false;
      if (e.type === 'acked' && e.upTo >= this.outstandingBase) {
        this.outstanding.splice(0, e.upTo - this.outstandingBase + 1);
        this.sentBytes.splice(0, e.upTo - this.outstandingBase + 1);
        this.outstandingBase = e.upTo + 1;
      }
      actions.push(emit(e));
      if (e.type === 'out-of-range') {
        this.outOfRange = true;
        if (this.role === 'client') actions.push(emit({ type: 'status', text: this.deviceStatus() }));
      }
    }
    this.wakeAt(out.wakeAt, actions);
    return actions;
  }

  /**
   * Asks the runner for a wake-up at `at`. When the engine needs none while an earlier one is still pending, that one
   * is left to fire (the runtime allows an early wake: the engine then finds nothing due and the link asks for none).
   * Cancelling it instead cost a platform timer cleared and another created for every ACK of a bulk transfer: the
   * receiver asks for its delayed-ACK time on one packet and for nothing once the next one's ACK went out.
   */
  private wakeAt(at: number | undefined, actions: LinkAction[]): void {
    if (at === undefined && this.pendingWake !== undefined) return;
    this.pendingWake = at;
    actions.push(wake(at));
  }

  /** B.5: `[Linking] n` for the first 30 s, then `[Out of Range] n`; n counts the SYNCs. */
  private deviceStatus(): string {
    return `${this.outOfRange ? '[Out of Range]' : '[Linking]'} ${this.engine.linkingSyncs}`;
  }

  private firstTransmission(p: DataPacket<LinkPayload>): Uint8Array {
    this.counters.PSNT++;
    if (p.payload.type === 'DATA') this.counters.bytesSent += p.payload.data.length;
    // B.6: sealed under its extended sequence number, once, and kept: retransmissions never re-seal (nonce reuse).
    const prepared = this.prepared?.packet === p.payload ? this.prepared.payload : undefined;
    const sealed = this.keys !== undefined && this.sealAbove !== undefined && p.ext > this.sealAbove;
    let bytes: Uint8Array;
    if (prepared && !sealed) {
      // The payload is encoded already: only the header fields are needed (no copy of the payload's object, whose
      // shape differs per packet type and made the copy a slow generic one on every datagram).
      const header: PacketHeaderFields =
        p.ack === undefined ? { seq: p.seq, token: this.token } : { seq: p.seq, ack: p.ack, token: this.token };
      bytes = encodePrepared(header, prepared, sharedSlab.allocate);
    } else {
      const packet = (
        p.ack === undefined
          ? { ...p.payload, seq: p.seq, token: this.token }
          : { ...p.payload, seq: p.seq, token: this.token, ack: p.ack }
      ) as Packet;
      bytes = sealed
        ? sealSync(this.keys as SyncLinkKeys, packet, p.ext, sharedSlab.allocate)
        : encode(packet, sharedSlab.allocate);
    }
    this.sentBytes[p.ext - this.outstandingBase] = bytes;
    // B.6: the server seals every packet it sends after SET_DEVICE_CONFIG (seq greater than its seq).
    const level = sealingLevelOf(p.payload);
    if (this.role === 'server' && this.keysFor && !this.keys && level !== undefined) this.switchOver(level, p.ext);
    return bytes;
  }

  /** B.6 switch-over: reliable packets above `sealAbove` and every ACK/SYNC/DISCONNECT from now on are sealed. */
  private switchOver(level: SealingLevel, sealAbove: number): void {
    const keys = this.keysFor!(level);
    this.keys = keys;
    this.sealAbove = sealAbove;
    this.everSealed = true;
    // B.5: the proof of a later resume is keyed with this epoch's c2s key; the one before is kept too, because the
    // two sides switch at different moments (the server when it sends SET_DEVICE_CONFIG, the client when it gets it).
    if (keys.resumeKey) this.resumeKeys = [...this.resumeKeys, keys.resumeKey].slice(-2);
  }

  /** ACK, SYNC or DISCONNECT: sealed under the next unreliable counter once this side seals (B.6). */
  private unreliable(packet: Packet, ack: number | undefined): Uint8Array {
    const p = withAck(packet, ack);
    return this.keys ? sealSync(this.keys, p, ++this.sealedSent, sharedSlab.allocate) : encode(p, sharedSlab.allocate);
  }

  /** The stored bytes of the first transmission: never re-encoded under a seq it already used (B.9). */
  private retransmission(p: DataPacket<LinkPayload>): Uint8Array {
    this.counters.RTX++;
    const bytes = this.sentBytes[p.ext - this.outstandingBase];
    if (bytes === undefined) throw new Error('smartte-link: retransmission of a packet never transmitted');
    return bytes;
  }

  /** A pure ACK; with B.9 agreed and blocks to report, its payload holds them (flag ACK clear before any delivery). */
  private ackDatagram(ack: number | undefined, sack: readonly SackBlock[] | undefined): Uint8Array {
    const packet: Ack = { type: 'ACK', seq: 0, token: this.token };
    if (sack?.length && this.selectiveAck) packet.sack = sack.slice();
    return this.unreliable(packet, ack);
  }
}

/** False only for lazily agreed keys (`lazyEpochKeys`) whose agreement gave no secret. */
function keysUsable(keys: LinkKeysForLevel): boolean {
  const lazy = keys as Partial<LazyLinkKeys>;
  return lazy.usable === undefined || lazy.usable();
}

function withAck<T extends Packet>(packet: T, ack: number | undefined): T {
  if (ack !== undefined) packet.ack = ack;
  return packet;
}
