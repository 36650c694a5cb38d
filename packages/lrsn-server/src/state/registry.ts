/** A page the backend holds for a session: the client's `id` (undefined when it gave none, so no status goes back). */
export interface PendingPage {
  /** The `id` attribute of its `<PageRequest>`. */
  readonly id: string | undefined;
}

/**
 * The LRSN state that ARCHITECTURE.md "State and scale" puts behind a registry: which services each session is
 * subscribed to (LR-16) and its pages in flight with their ids (lrsn.md §5: statuses go to the originator, by id).
 * The roles use only this interface, so a shared store can replace the in-memory default without touching them.
 *
 * It is synchronous on purpose: the session machine is sans-IO and synchronous, and the fan-out reads the
 * subscriptions on every heartbeat to every client. A shared store (Redis is the planned one) implements it with a
 * local view it writes through, as the in-memory default is that view alone. Session keys are this server's session
 * ids; a store shared by several servers scopes them per server.
 */
export interface LrsnRegistry {
  /** Records the services a session was granted at login (replacing any earlier set). */
  subscribe(session: number, services: readonly string[]): void;
  /** The services a session is subscribed to (empty before login and after `forget`). */
  services(session: number): ReadonlySet<string>;
  /** The sessions subscribed to `service`, for fan-out. */
  subscribers(service: string): Iterable<number>;
  /** Records page `ref` of a session as in flight. */
  addPage(session: number, ref: number, page: PendingPage): void;
  /** Page `ref` of a session, while it is in flight. */
  page(session: number, ref: number): PendingPage | undefined;
  /** Page `ref` of a session reached its final status. */
  removePage(session: number, ref: number): void;
  /** True while a page of this session with this client id is in flight (a second one is refused EDUP). */
  hasPageId(session: number, id: string): boolean;
  /** Pages of a session in flight. */
  pageCount(session: number): number;
  /** The session is gone: its subscriptions and pages are dropped. */
  forget(session: number): void;
  /**
   * Optional: a number that changes whenever any subscription changes (`subscribe`, `forget`, or an edit the store
   * makes of its own), so readers may keep what `services` and `subscribers` returned until it changes (the
   * heartbeat fan-out does, issue 18). A store that cannot tell leaves it undefined and is asked on every use.
   */
  readonly subscriptionRevision?: number;
}

interface SessionState {
  services: ReadonlySet<string>;
  readonly pages: Map<number, PendingPage>;
  readonly ids: Set<string>;
}

const NONE: ReadonlySet<string> = new Set();

/**
 * The embedded default LrsnRegistry: Maps in this process, with an index from service to its subscribers so a
 * heartbeat visits only Heartbeat subscribers. Everything of a session goes with `forget`, so it cannot grow past
 * the sessions open.
 */
export class MemoryLrsnRegistry implements LrsnRegistry {
  private readonly sessions = new Map<number, SessionState>();
  private readonly byService = new Map<string, Set<number>>();
  private revision = 0;

  /** Changes with every `subscribe` and every `forget` of a known session (see {@link LrsnRegistry}). */
  get subscriptionRevision(): number {
    return this.revision;
  }

  subscribe(session: number, services: readonly string[]): void {
    this.revision++;
    const state = this.state(session);
    for (const s of state.services) this.byService.get(s)?.delete(session);
    state.services = new Set(services);
    for (const s of services) {
      let set = this.byService.get(s);
      if (set === undefined) {
        set = new Set();
        this.byService.set(s, set);
      }
      set.add(session);
    }
  }

  services(session: number): ReadonlySet<string> {
    return this.sessions.get(session)?.services ?? NONE;
  }

  subscribers(service: string): Iterable<number> {
    return this.byService.get(service) ?? NONE_IDS;
  }

  addPage(session: number, ref: number, page: PendingPage): void {
    const state = this.state(session);
    state.pages.set(ref, page);
    if (page.id !== undefined) state.ids.add(page.id);
  }

  page(session: number, ref: number): PendingPage | undefined {
    return this.sessions.get(session)?.pages.get(ref);
  }

  removePage(session: number, ref: number): void {
    const state = this.sessions.get(session);
    const page = state?.pages.get(ref);
    if (state === undefined || page === undefined) return;
    state.pages.delete(ref);
    if (page.id !== undefined) state.ids.delete(page.id);
  }

  hasPageId(session: number, id: string): boolean {
    return this.sessions.get(session)?.ids.has(id) ?? false;
  }

  pageCount(session: number): number {
    return this.sessions.get(session)?.pages.size ?? 0;
  }

  forget(session: number): void {
    const state = this.sessions.get(session);
    if (state === undefined) return;
    this.revision++;
    for (const s of state.services) this.byService.get(s)?.delete(session);
    this.sessions.delete(session);
  }

  private state(session: number): SessionState {
    let state = this.sessions.get(session);
    if (state === undefined) {
      state = { services: NONE, pages: new Map(), ids: new Set() };
      this.sessions.set(session, state);
    }
    return state;
  }
}

const NONE_IDS: ReadonlySet<number> = new Set();
