/**
 * Session state that must outlive a connection (ARCHITECTURE.md "State and scale": SmartTE sessions for resume, LRSN
 * subscriptions and pending page ids, PQ measurement status). Async so a shared store (Redis is the planned one) can
 * replace the in-memory default without touching the modules. Values are plain JSON data.
 */
export interface StateRegistry {
  get<T>(namespace: string, key: string): Promise<T | undefined>;
  /** `ttlMs`: forget the entry after this long (default: keep until deleted). */
  set<T>(namespace: string, key: string, value: T, options?: { ttlMs?: number }): Promise<void>;
  delete(namespace: string, key: string): Promise<boolean>;
  /** Every live entry of a namespace, oldest first. */
  list<T>(namespace: string): Promise<[key: string, value: T][]>;
  close(): Promise<void>;
}

interface Stored {
  value: unknown;
  expires: number;
}

/**
 * The embedded default: a Map per namespace. Expiry is checked on access (no timers to keep the process alive), and
 * a namespace is capped so a long-running gateway cannot grow without bound (the oldest entries go first).
 */
export class MemoryRegistry implements StateRegistry {
  private readonly spaces = new Map<string, Map<string, Stored>>();

  constructor(
    private readonly maxPerNamespace = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  async get<T>(namespace: string, key: string): Promise<T | undefined> {
    const s = this.spaces.get(namespace)?.get(key);
    if (s === undefined) return undefined;
    if (s.expires <= this.now()) {
      this.spaces.get(namespace)?.delete(key);
      return undefined;
    }
    return structuredClone(s.value) as T;
  }

  async set<T>(namespace: string, key: string, value: T, options: { ttlMs?: number } = {}): Promise<void> {
    let space = this.spaces.get(namespace);
    if (!space) {
      space = new Map();
      this.spaces.set(namespace, space);
    }
    space.delete(key); // re-inserted last: Map order is age order
    space.set(key, {
      value: structuredClone(value),
      expires: options.ttlMs === undefined ? Number.POSITIVE_INFINITY : this.now() + options.ttlMs,
    });
    while (space.size > this.maxPerNamespace) space.delete(space.keys().next().value as string);
  }

  async delete(namespace: string, key: string): Promise<boolean> {
    return this.spaces.get(namespace)?.delete(key) ?? false;
  }

  async list<T>(namespace: string): Promise<[string, T][]> {
    const space = this.spaces.get(namespace);
    if (!space) return [];
    const now = this.now();
    const out: [string, T][] = [];
    for (const [k, s] of space) {
      if (s.expires <= now) space.delete(k);
      else out.push([k, structuredClone(s.value) as T]);
    }
    return out;
  }

  async close(): Promise<void> {
    this.spaces.clear();
  }
}
