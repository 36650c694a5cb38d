/**
 * A minimal typed event emitter: transport's objects announce events with fixed argument tuples, checked at compile
 * time, without Node's EventEmitter (whose untyped `error` event would crash a process nobody listens on).
 */
export type EventMap<E> = { [K in keyof E]: unknown[] };

type AnyHandler = (...args: unknown[]) => void;

export class Emitter<E extends EventMap<E>> {
  private readonly handlers = new Map<keyof E, Set<AnyHandler>>();

  on<K extends keyof E>(event: K, handler: (...args: E[K]) => void): this {
    let set = this.handlers.get(event);
    if (!set) {
      set = new Set();
      this.handlers.set(event, set);
    }
    set.add(handler as unknown as AnyHandler);
    return this;
  }

  off<K extends keyof E>(event: K, handler: (...args: E[K]) => void): this {
    this.handlers.get(event)?.delete(handler as unknown as AnyHandler);
    return this;
  }

  listenerCount(event: keyof E): number {
    return this.handlers.get(event)?.size ?? 0;
  }

  /** Drops every handler (a closed object calls this so it holds no caller closures). */
  protected removeAllListeners(): void {
    this.handlers.clear();
  }

  protected emit<K extends keyof E>(event: K, ...args: E[K]): void {
    const set = this.handlers.get(event);
    if (!set || set.size === 0) return;
    if (set.size === 1) {
      for (const h of set) h(...args);
      return;
    }
    // Copy so a handler that removes itself does not disturb the iteration.
    for (const h of [...set]) h(...args);
  }
}
