import { EventEmitter } from 'node:events';
import type { Protocol } from '../modules/types.js';

/** One entry of a session's timeline: what happened, when (ms since the epoch). */
export interface TimelineEntry {
  at: number;
  event: string;
  /** `in`: a message from the peer; `out`: a message to it; absent: something the gateway noted. */
  direction?: 'in' | 'out';
  detail?: Record<string, unknown>;
}

/** What a secret value reads as in a timeline nobody asked to reveal (issue 15 §3). */
export const REDACTED = '[redacted]';

/** A timeline entry as stored: its secret fields (LRSN passwords, SmartTE DATA payloads) kept apart from `detail`. */
interface StoredEntry extends TimelineEntry {
  secret?: Record<string, unknown>;
}

/** One row of the admin connections list (issue 15 §3). */
export interface SessionView {
  /** Unique in the gateway: `<protocol>-<the role's own id>`. */
  key: string;
  protocol: Protocol;
  id: string;
  peer: string;
  /** The handshake step or state, in the role's own words. */
  state: string;
  /** When the connection opened (ISO 8601). */
  since: string;
  stateSince: string;
  counters: Record<string, number>;
  /** Protocol-specific summary (e.g. PQ's last measurement request). */
  info: Record<string, unknown>;
}

export interface SessionDetail extends SessionView {
  timeline: TimelineEntry[];
}

export interface Alert {
  at: string;
  protocol: Protocol | 'gateway';
  level: 'warn' | 'error';
  code: string;
  message: string;
  session?: string;
}

export interface SessionTableEvents {
  /** A session opened or changed. */
  session: [view: SessionView];
  /** A session ended (removed from the list). */
  closed: [view: SessionView];
  alert: [alert: Alert];
  /** A counter moved (for /metrics): `name` in the role's words, e.g. "frames", "handshakes_failed". */
  count: [protocol: Protocol, name: string, by: number, labels: Record<string, string>];
}

interface Entry {
  view: SessionView;
  timeline: StoredEntry[];
}

/**
 * The gateway's view of every open session of every protocol, fed by the protocol modules from their role packages'
 * events. It holds no protocol logic: states and counters are named by the module. Timelines and alerts are bounded.
 */
export class SessionTable extends EventEmitter<SessionTableEvents> {
  private readonly entries = new Map<string, Entry>();
  private readonly alertLog: Alert[] = [];

  constructor(
    private readonly limits = { timeline: 200, alerts: 500 },
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  open(protocol: Protocol, id: string, peer: string, state: string, info: Record<string, unknown> = {}): void {
    const at = new Date(this.now()).toISOString();
    const view: SessionView = {
      key: `${protocol}-${id}`,
      protocol,
      id,
      peer,
      state,
      since: at,
      stateSince: at,
      counters: {},
      info,
    };
    this.entries.set(view.key, { view, timeline: [] });
    this.note(view.key, 'open', { peer });
    this.emit('session', view);
  }

  /** Records an event in the session's timeline, and optionally moves its state, counters and info. */
  update(
    key: string,
    event: string,
    change: {
      direction?: 'in' | 'out';
      state?: string;
      count?: Record<string, number>;
      info?: Record<string, unknown>;
      detail?: Record<string, unknown>;
      /** Fields shown only when asked for explicitly (`get(key, { reveal: true })`), else as REDACTED. */
      secret?: Record<string, unknown>;
    } = {},
  ): void {
    const e = this.entries.get(key);
    if (!e) return;
    const v = e.view;
    if (change.state !== undefined && change.state !== v.state) {
      v.state = change.state;
      v.stateSince = new Date(this.now()).toISOString();
    }
    for (const [name, by] of Object.entries(change.count ?? {})) v.counters[name] = (v.counters[name] ?? 0) + by;
    if (change.info) Object.assign(v.info, change.info);
    this.note(key, event, change.detail, change.direction, change.secret);
    this.emit('session', v);
  }

  /** Moves a session's info without a timeline entry (figures refreshed in the background, e.g. byte counters). */
  refresh(key: string, info: Record<string, unknown>): void {
    const e = this.entries.get(key);
    if (!e) return;
    Object.assign(e.view.info, info);
    this.emit('session', e.view);
  }

  /** Adds secret fields to the session's last timeline entry named `event` (a value learnt after the entry). */
  attachSecret(key: string, event: string, secret: Record<string, unknown>): void {
    const entry = this.entries.get(key)?.timeline.findLast((t) => t.event === event);
    if (entry) entry.secret = { ...entry.secret, ...secret };
  }

  close(key: string, reason: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.note(key, 'closed', { reason });
    this.entries.delete(key);
    e.view.state = 'closed';
    this.emit('closed', e.view);
  }

  count(protocol: Protocol, name: string, by = 1, labels: Record<string, string> = {}): void {
    this.emit('count', protocol, name, by, labels);
  }

  alert(a: Omit<Alert, 'at'>): void {
    const alert: Alert = { at: new Date(this.now()).toISOString(), ...a };
    this.alertLog.push(alert);
    if (this.alertLog.length > this.limits.alerts) this.alertLog.shift();
    this.emit('alert', alert);
  }

  list(): SessionView[] {
    return [...this.entries.values()].map((e) => e.view);
  }

  /**
   * One session with its timeline. Secret fields read as REDACTED unless `reveal` is set (issue 15 §3: "timelines
   * redact LRSN passwords and SmartTE DATA payloads unless asked for explicitly").
   */
  get(key: string, options: { reveal?: boolean } = {}): SessionDetail | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    const timeline = e.timeline.map(({ secret, ...t }): TimelineEntry => {
      if (secret === undefined) return t;
      const shown = options.reveal ? secret : Object.fromEntries(Object.keys(secret).map((k) => [k, REDACTED]));
      return { ...t, detail: { ...t.detail, ...shown } };
    });
    return { ...e.view, timeline };
  }

  alerts(): Alert[] {
    return [...this.alertLog];
  }

  private note(
    key: string,
    event: string,
    detail: Record<string, unknown> | undefined,
    direction?: 'in' | 'out',
    secret?: Record<string, unknown>,
  ): void {
    const e = this.entries.get(key);
    if (!e) return;
    const entry: StoredEntry = { at: this.now(), event };
    if (direction !== undefined) entry.direction = direction;
    if (detail !== undefined) entry.detail = detail;
    if (secret !== undefined) entry.secret = secret;
    e.timeline.push(entry);
    if (e.timeline.length > this.limits.timeline) e.timeline.shift();
  }
}
