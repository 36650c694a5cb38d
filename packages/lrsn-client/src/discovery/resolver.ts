import type { Clock, TimerHandle } from '@portico/transport';

/** One DNS record as multicast-dns decodes it (only the fields the resolver reads). */
export interface SdRecord {
  name: string;
  type: string;
  data: unknown;
}

/** One question the resolver asks (RFC 6763 §12: SRV and TXT of an instance, A and AAAA of its host). */
export interface SdQuestion {
  name: string;
  type: 'SRV' | 'TXT' | 'A' | 'AAAA';
}

/** An instance resolved to an address and a port. */
export interface SdResolved {
  /** The instance name, as advertised. */
  instance: string;
  host: string;
  port: number;
}

/** What the resolver needs: where to ask, where to report, and how often to ask again. */
export interface SdResolverOptions {
  /** The DNS-SD type browsed (`_lrsn._tcp.local`): PTR records of this name name the instances. */
  serviceType: string;
  /** Sends one mDNS query with these questions. */
  query: (questions: SdQuestion[]) => void;
  /** Called once per instance, when its SRV and an address are known. */
  found: (resolved: SdResolved) => void;
  clock: Clock;
  /** Queries per step (SRV/TXT, then A/AAAA) before the resolver gives up on it. */
  attempts: number;
  /** Wait after the first query of a step; doubled after each further one. */
  intervalMs: number;
}

interface Instance {
  /** As advertised (DNS compares names case-insensitively: the maps below are keyed in lower case). */
  readonly name: string;
  srv: { port: number; target: string; from: string } | undefined;
  step: 'srv' | 'address' | 'done';
  attempts: number;
  timer: TimerHandle | undefined;
}

const key = (name: string): string => name.toLowerCase();

/**
 * Follows a DNS-SD browse up to an address (RFC 6763 §12): the records a responder adds to a PTR answer are optional,
 * so an instance learned without its SRV gets an SRV (and TXT) query, and an SRV whose target's address did not come
 * along gets an A (and AAAA) query. Each step is asked at most `attempts` times, `intervalMs` apart and doubling
 * (RFC 6762 §5.2's doubling for repeated questions); a step that stays unanswered is given up. An SRV whose host never
 * resolved falls back to the address its answer came from (what discovery did before these follow-ups). `close()`
 * stops every timer and reports those fallbacks.
 */
export class DnsSdResolver {
  private readonly instances = new Map<string, Instance>();
  private readonly v4 = new Map<string, string>();
  private readonly v6 = new Map<string, string>();
  private closed = false;

  constructor(private readonly options: SdResolverOptions) {}

  /** The records of one mDNS response (answers and additionals) and the address it came from. */
  records(records: readonly SdRecord[], from: string): void {
    if (this.closed) return;
    const type = key(this.options.serviceType);
    for (const r of records) {
      if (r.type === 'A' && typeof r.data === 'string') this.v4.set(key(r.name), r.data);
      else if (r.type === 'AAAA' && typeof r.data === 'string') this.v6.set(key(r.name), r.data);
    }
    for (const r of records) {
      if (r.type === 'PTR' && key(r.name) === type && typeof r.data === 'string') this.instance(r.data);
      else if (r.type === 'SRV' && r.name.includes('._lrsn')) {
        const srv = r.data as { port: number; target: string };
        this.instance(r.name).srv = { port: srv.port, target: srv.target, from };
      }
    }
    // An address may complete an instance learned from an earlier response.
    for (const i of this.instances.values()) this.advance(i);
  }

  /** Stops asking; an instance with its SRV but no address is reported at the address its SRV came from. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const i of this.instances.values()) {
      this.options.clock.clearTimeout(i.timer);
      i.timer = undefined;
      if (i.step !== 'done' && i.srv !== undefined) this.finish(i, i.srv.from);
    }
  }

  private instance(name: string): Instance {
    let i = this.instances.get(key(name));
    if (i === undefined) {
      i = { name, srv: undefined, step: 'srv', attempts: 0, timer: undefined };
      this.instances.set(key(name), i);
    }
    return i;
  }

  private advance(i: Instance): void {
    if (i.step === 'done') return;
    if (i.srv === undefined) {
      // RFC 6763 §12.1's additionals did not come: ask for the instance's SRV and TXT.
      if (i.attempts === 0) this.ask(i);
      return;
    }
    const target = key(i.srv.target);
    const address = this.v4.get(target) ?? this.v6.get(target);
    if (address !== undefined) {
      this.finish(i, address);
      return;
    }
    if (i.step === 'srv') {
      // RFC 6763 §12.2: the SRV's target address did not come along: ask for A and AAAA.
      this.options.clock.clearTimeout(i.timer);
      i.step = 'address';
      i.attempts = 0;
      this.ask(i);
    }
  }

  private ask(i: Instance): void {
    i.attempts++;
    const questions: SdQuestion[] =
      i.step === 'srv' || i.srv === undefined
        ? [
            { name: i.name, type: 'SRV' },
            { name: i.name, type: 'TXT' },
          ]
        : [
            { name: i.srv.target, type: 'A' },
            { name: i.srv.target, type: 'AAAA' },
          ];
    this.options.query(questions);
    const wait = this.options.intervalMs * 2 ** (i.attempts - 1);
    i.timer = this.options.clock.setTimeout(() => {
      i.timer = undefined;
      if (i.attempts < this.options.attempts) this.ask(i);
      else this.giveUp(i);
    }, wait);
  }

  private giveUp(i: Instance): void {
    // No SRV after every attempt: the instance stays unresolved. No address: the SRV's sender is the best guess.
    if (i.step === 'address' && i.srv !== undefined) this.finish(i, i.srv.from);
  }

  private finish(i: Instance, host: string): void {
    this.options.clock.clearTimeout(i.timer);
    i.timer = undefined;
    i.step = 'done';
    if (i.srv !== undefined) this.options.found({ instance: i.name, host, port: i.srv.port });
  }
}
