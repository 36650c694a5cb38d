import { once } from 'node:events';
import { connectLrsn, type LrsnClient } from '@portico/lrsn-client';
import { createLrsnServer, type LrsnServer, type PageReporter, type PagingBackend } from '@portico/lrsn-server';
import { afterEach, describe, expect, it } from 'vitest';
import { LRSN_PENDING, LRSN_SUBSCRIPTIONS, type LrsnPendingEntry, MirroredLrsnRegistry } from './lrsn-registry.js';
import { MemoryRegistry, type StateRegistry } from './registry.js';

/** A backend that holds every page until the test reports its status. */
function heldBackend(): PagingBackend & { held: PageReporter[] } {
  const held: PageReporter[] = [];
  return { name: 'held', held, page: (_request, report) => void held.push(report), close: async () => {} };
}

/**
 * An async store whose writes take longer the earlier they were made (the first 40 ms, then less), the way a remote
 * store can answer out of order; it logs each write in the order it lands.
 */
class SlowStore extends MemoryRegistry {
  readonly landed: string[] = [];
  private delay = 40;
  override async set<T>(namespace: string, key: string, value: T, options?: { ttlMs?: number }): Promise<void> {
    await this.wait();
    this.landed.push(`set ${namespace} ${key}`);
    return super.set(namespace, key, value, options);
  }
  override async delete(namespace: string, key: string): Promise<boolean> {
    await this.wait();
    this.landed.push(`delete ${namespace} ${key}`);
    return super.delete(namespace, key);
  }
  private wait(): Promise<void> {
    const ms = this.delay;
    this.delay = Math.max(0, this.delay - 10);
    return new Promise((r) => setTimeout(r, ms));
  }
}

const servers: LrsnServer[] = [];
const clients: LrsnClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function setup(store: StateRegistry, onError: (e: unknown) => void = (e) => expect.fail(String(e))) {
  const registry = new MirroredLrsnRegistry(store, 'gw-a', onError);
  const backend = heldBackend();
  const server = await createLrsnServer({ port: 0, heartbeatIntervalS: 0, registry, backend, closeDeadlineMs: 500 });
  servers.push(server);
  const client = await connectLrsn({ port: server.port, services: ['NetPage', 'Heartbeat'], reconnect: false });
  clients.push(client);
  return { registry, backend, server, client };
}

describe('MirroredLrsnRegistry: lrsn-server state behind the gateway registry (ARCHITECTURE.md "State and scale")', () => {
  it('LR-16 "indicating which services the client is actually subscribed to": a pending page id and the subscriptions reach the async store in the order the server made them, and are gone after the final status and the disconnect', async () => {
    const store = new SlowStore();
    const { registry, backend, server, client } = await setup(store);
    const statuses: string[] = [];
    client.on('page-status', (s) => statuses.push(`${s.id} ${s.status}`));
    void client.page({ id: 'p1', pager: '2;105', message: 'Vibe1' }).catch(() => {});
    await expect.poll(() => backend.held.length).toBe(1);
    // The server decides on its local view (EDUP for an id in flight), which has the page as soon as it is taken.
    expect(registry.hasPageId(1, 'p1')).toBe(true);
    await registry.flushed();
    expect(await store.list(LRSN_SUBSCRIPTIONS)).toEqual([
      ['gw-a/1', expect.objectContaining({ gateway: 'gw-a', session: 'lrsn-1', services: ['NetPage', 'Heartbeat'] })],
    ]);
    expect(await store.list<LrsnPendingEntry>(LRSN_PENDING)).toEqual([
      ['gw-a/1/1', { gateway: 'gw-a', session: 'lrsn-1', ref: 1, id: 'p1', since: expect.any(String) }],
    ]);
    backend.held[0]!('sent', 0);
    await expect.poll(() => statuses).toEqual(['p1 sent']);
    await registry.flushed();
    expect(await store.list(LRSN_PENDING)).toEqual([]);
    // A second page still in flight when the client goes: its entry goes with the session's.
    void client.page({ id: 'p2', pager: '2;107', message: 'Vibe1' }).catch(() => {});
    await expect.poll(() => backend.held.length).toBe(2);
    const gone = once(server, 'disconnect');
    await client.close();
    await gone;
    await registry.flushed();
    expect(await store.list(LRSN_SUBSCRIPTIONS)).toEqual([]);
    expect(await store.list(LRSN_PENDING)).toEqual([]);
    expect(store.landed).toEqual([
      'set lrsn.subscriptions gw-a/1',
      'set lrsn.pending gw-a/1/1',
      'delete lrsn.pending gw-a/1/1',
      'set lrsn.pending gw-a/1/2',
      'delete lrsn.subscriptions gw-a/1',
      'delete lrsn.pending gw-a/1/2',
    ]);
  });

  it('a store that refuses writes is reported and does not touch the protocol: the page still gets its statuses', async () => {
    const errors: unknown[] = [];
    const store = new MemoryRegistry();
    store.set = () => Promise.reject(new Error('store down'));
    const { registry, backend, client } = await setup(store, (e) => errors.push(e));
    const sent = client.page({ id: 'q1', pager: '2;105', message: 'Vibe1' });
    await expect.poll(() => backend.held.length).toBe(1);
    expect(registry.hasPageId(1, 'q1')).toBe(true);
    backend.held[0]!('sent', 0);
    await expect(sent).resolves.toMatchObject({ status: 'sent' });
    await registry.flushed();
    expect(errors.map(String)).toEqual(['Error: store down', 'Error: store down']);
  });
});
