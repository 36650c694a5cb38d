import { MemoryLrsnRegistry, type PendingPage } from '@portico/lrsn-server';
import type { StateRegistry } from './registry.js';

/** Registry namespace of LRSN subscriptions (LR-16), one entry per logged-in session. */
export const LRSN_SUBSCRIPTIONS = 'lrsn.subscriptions';
/** Registry namespace of LRSN pages in flight with their client ids (lrsn.md §5), one entry per page. */
export const LRSN_PENDING = 'lrsn.pending';

/** A session's subscriptions as the gateway's registry holds them. */
export interface LrsnSubscriptionEntry {
  /** The gateway run that holds the session (a shared store holds several). */
  gateway: string;
  /** The session's key in the admin API, e.g. `lrsn-3`. */
  session: string;
  services: string[];
  since: string;
}

/** A page in flight as the gateway's registry holds it. */
export interface LrsnPendingEntry {
  gateway: string;
  session: string;
  /** lrsn-server's number for the page within its session. */
  ref: number;
  /** The client's `id` attribute (absent when it gave none: no status goes back for it). */
  id?: string;
  since: string;
}

/**
 * lrsn-server's registry (its synchronous `LrsnRegistry`) kept behind the gateway's async `StateRegistry`, so LRSN
 * subscriptions and pending page ids live where PQ measurement status does (ARCHITECTURE.md "State and scale").
 *
 * Consistency: a write-through cache. lrsn-server's session machine is sans-IO and synchronous, and decides on what
 * it reads at once (EDUP for an id in flight, the in-flight limit, the fan-out on every heartbeat), so those reads are
 * served by the local view (the in-memory default it extends) and never wait on, or race with, the store. Every change
 * is then written to the store, in the order the server made it, through one promise chain: the store never shows a
 * page after its removal or a subscription after its session was forgotten, and it lags the local view by the writes
 * still queued (`flushed()` waits for them; the gateway does before it closes the store). The store is a mirror for
 * everything else that reads state (the admin API, another process sharing the store); this process never reads its
 * own decisions back from it. A failed write is reported (`onError`) and does not touch the protocol: availability
 * wins over a complete mirror, and the next write of the same key repairs it. Session ids restart at 1 with each
 * server, so keys are scoped by the gateway run (`gateway/<session>[/<ref>]`), as LrsnRegistry's contract asks of a
 * store shared by several servers. The embedded MemoryRegistry caps a namespace (10,000 entries, oldest dropped first):
 * past that the mirror loses its oldest entries while the server's own view stays whole.
 */
export class MirroredLrsnRegistry extends MemoryLrsnRegistry {
  private chain: Promise<void> = Promise.resolve();
  /** Refs in flight per session, so `forget` can delete each page's entry. */
  private readonly refs = new Map<number, Set<number>>();

  /**
   * @param store the gateway's registry
   * @param gateway this gateway run's scope in the store
   * @param onError told of each write the store refused
   * @param now the clock of the entries' `since`
   */
  constructor(
    private readonly store: StateRegistry,
    private readonly gateway: string,
    private readonly onError: (error: unknown) => void,
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  override subscribe(session: number, services: readonly string[]): void {
    super.subscribe(session, services);
    const entry: LrsnSubscriptionEntry = {
      gateway: this.gateway,
      session: sessionKey(session),
      services: [...services],
      since: this.stamp(),
    };
    this.write((s) => s.set(LRSN_SUBSCRIPTIONS, this.key(session), entry));
  }

  override addPage(session: number, ref: number, page: PendingPage): void {
    super.addPage(session, ref, page);
    let refs = this.refs.get(session);
    if (refs === undefined) {
      refs = new Set();
      this.refs.set(session, refs);
    }
    refs.add(ref);
    const entry: LrsnPendingEntry = {
      gateway: this.gateway,
      session: sessionKey(session),
      ref,
      ...(page.id === undefined ? {} : { id: page.id }),
      since: this.stamp(),
    };
    this.write((s) => s.set(LRSN_PENDING, this.key(session, ref), entry));
  }

  override removePage(session: number, ref: number): void {
    super.removePage(session, ref);
    if (this.refs.get(session)?.delete(ref) !== true) return;
    this.write((s) => s.delete(LRSN_PENDING, this.key(session, ref)));
  }

  override forget(session: number): void {
    super.forget(session);
    const refs = [...(this.refs.get(session) ?? [])];
    this.refs.delete(session);
    this.write(async (s) => {
      await s.delete(LRSN_SUBSCRIPTIONS, this.key(session));
      for (const ref of refs) await s.delete(LRSN_PENDING, this.key(session, ref));
    });
  }

  /** Resolves once every change made so far has reached the store (or failed and been reported). */
  flushed(): Promise<void> {
    return this.chain;
  }

  private write(op: (store: StateRegistry) => Promise<unknown>): void {
    this.chain = this.chain
      .then(() => op(this.store))
      .then(
        () => {},
        (e: unknown) => this.onError(e),
      );
  }

  private key(session: number, ref?: number): string {
    return ref === undefined ? `${this.gateway}/${session}` : `${this.gateway}/${session}/${ref}`;
  }

  private stamp(): string {
    return new Date(this.now()).toISOString();
  }
}

/** The admin API's key of an LRSN session (the LRSN module's). */
function sessionKey(id: number): string {
  return `lrsn-${id}`;
}
