import type { PageRequest } from '@portico/lrsn-codec';
import { afterEach, describe, expect, it } from 'vitest';
import type { PageReporter, PagingBackend } from '../backend/backend.js';
import { createLrsnServer, type LrsnServer } from '../server.js';
import { RawClient } from '../test-support/raw-client.js';
import { type LrsnRegistry, MemoryLrsnRegistry, type PendingPage } from './registry.js';

/**
 * A different LrsnRegistry: a key-value store of JSON strings, the shape a shared store (Redis) has, with every call
 * logged. No Set or Map of the in-memory default is reused, so the test shows the roles use only the interface.
 */
class JsonStoreRegistry implements LrsnRegistry {
  readonly store = new Map<string, string>();
  readonly calls: string[] = [];

  subscribe(session: number, services: readonly string[]): void {
    this.calls.push(`subscribe ${session} ${services.join(';')}`);
    this.store.set(`sub:${session}`, JSON.stringify(services));
  }
  services(session: number): ReadonlySet<string> {
    return new Set(JSON.parse(this.store.get(`sub:${session}`) ?? '[]') as string[]);
  }
  subscribers(service: string): Iterable<number> {
    const out: number[] = [];
    for (const [k, v] of this.store) {
      if (k.startsWith('sub:') && (JSON.parse(v) as string[]).includes(service)) out.push(Number(k.slice(4)));
    }
    return out;
  }
  addPage(session: number, ref: number, page: PendingPage): void {
    this.calls.push(`addPage ${session} ${ref} ${page.id}`);
    this.store.set(`page:${session}:${ref}`, JSON.stringify(page.id === undefined ? {} : { id: page.id }));
  }
  page(session: number, ref: number): PendingPage | undefined {
    const v = this.store.get(`page:${session}:${ref}`);
    return v === undefined ? undefined : (JSON.parse(v) as PendingPage);
  }
  removePage(session: number, ref: number): void {
    this.calls.push(`removePage ${session} ${ref}`);
    this.store.delete(`page:${session}:${ref}`);
  }
  hasPageId(session: number, id: string): boolean {
    return this.pages(session).some(([, p]) => p.id === id);
  }
  pageCount(session: number): number {
    return this.pages(session).length;
  }
  forget(session: number): void {
    this.calls.push(`forget ${session}`);
    for (const k of [...this.store.keys()]) {
      if (k === `sub:${session}` || k.startsWith(`page:${session}:`)) this.store.delete(k);
    }
  }
  private pages(session: number): [string, PendingPage][] {
    return [...this.store]
      .filter(([k]) => k.startsWith(`page:${session}:`))
      .map(([k, v]) => [k, JSON.parse(v) as PendingPage]);
  }
}

/** A backend that holds every page until the test finishes it. */
class HeldBackend implements PagingBackend {
  readonly name = 'held';
  readonly held: { request: PageRequest; report: PageReporter }[] = [];
  page(request: PageRequest, report: PageReporter): void {
    this.held.push({ request, report });
  }
  async close(): Promise<void> {}
}

const servers: LrsnServer[] = [];
const clients: RawClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function login(s: LrsnServer, line: string) {
  const r = await RawClient.login(s.port, line);
  clients.push(r.client);
  return r;
}

describe('LrsnRegistry (ARCHITECTURE.md "State and scale"): the server runs on another implementation unchanged', () => {
  it('LR-16 "indicating which services the client is actually subscribed to": kept in the registry, fan-out follows it', async () => {
    const registry = new JsonStoreRegistry();
    const s = await createLrsnServer({ port: 0, heartbeatIntervalS: 0, registry, closeDeadlineMs: 500 });
    servers.push(s);
    expect(s.registry).toBe(registry);
    const pocsag = await login(s, '<Login services="PocsagRX;Heartbeat"/>');
    const keys = await login(s, '<Login services="KeyCallTX;Bogus"/>');
    expect(pocsag.ack).toBe('<LoginAck ret="0" services="PocsagRX;Heartbeat"/>');
    expect(registry.calls).toEqual(['subscribe 1 PocsagRX;Heartbeat', 'subscribe 2 KeyCallTX']);
    expect(s.publish({ type: 'PocsagRX', capcode: '700001', message: 'hi' })).toBe(1);
    s.heartbeat();
    expect(await pocsag.client.line(2)).toBe('<PocsagRX capcode="700001">hi</PocsagRX>');
    expect(await pocsag.client.line(3)).toBe('<Heartbeat interval="0"/>');
    // A subscription the store changed under the server (another node's edit) is what the fan-out follows.
    registry.store.set('sub:2', JSON.stringify(['KeyCallTX', 'PocsagRX']));
    expect(s.publish({ type: 'PocsagRX', capcode: '700002', message: 'both' })).toBe(2);
    expect(await keys.client.line(2)).toBe('<PocsagRX capcode="700002">both</PocsagRX>');
    expect(s.connections().map((c) => c.services)).toEqual([
      ['PocsagRX', 'Heartbeat'],
      ['KeyCallTX', 'PocsagRX'],
    ]);
  });

  it('pending page ids live in the registry: EDUP while in flight, status to the originator, gone at disconnect', async () => {
    const registry = new JsonStoreRegistry();
    const backend = new HeldBackend();
    const s = await createLrsnServer({ port: 0, heartbeatIntervalS: 0, registry, backend, closeDeadlineMs: 500 });
    servers.push(s);
    const a = await login(s, '<Login services="NetPage"/>');
    a.client.send('<PageRequest id="7" pager="2;1" message="Vibe1"/>');
    await a.client.until(() => backend.held.length === 1, 5_000, 'the page');
    expect(registry.page(1, 1)).toEqual({ id: '7' });
    expect(s.connections()[0]?.pagesInFlight).toBe(1);
    a.client.send('<PageRequest id="7" pager="2;2" message="Vibe1"/>');
    expect(await a.client.line(2)).toBe('<PageRequestStatus id="7" status="failed" ret="8"/>'); // EDUP
    backend.held[0]!.report('sent', 0);
    expect(await a.client.line(3)).toBe('<PageRequestStatus id="7" status="sent" ret="0"/>');
    expect(registry.pageCount(1)).toBe(0);
    a.client.send('<PageRequest id="8" pager="2;3" message="Vibe1"/>');
    await a.client.until(() => backend.held.length === 2, 5_000, 'the second page');
    expect(registry.hasPageId(1, '8')).toBe(true);
    a.client.destroy();
    await a.client.until(() => registry.calls.includes('forget 1'), 5_000, 'forget');
    expect([...registry.store.keys()]).toEqual([]);
    expect(registry.calls).toEqual([
      'subscribe 1 NetPage',
      'addPage 1 1 7',
      'removePage 1 1',
      'addPage 1 2 8',
      'forget 1',
    ]);
  });
});

describe('MemoryLrsnRegistry.subscriptionRevision', () => {
  it('changes with every subscription change (subscribe, forget of a known session), not with pages', () => {
    const r = new MemoryLrsnRegistry();
    const seen = [r.subscriptionRevision];
    r.subscribe(1, ['Heartbeat']);
    seen.push(r.subscriptionRevision);
    r.subscribe(1, ['Heartbeat', 'NetPage']);
    seen.push(r.subscriptionRevision);
    expect(new Set(seen).size).toBe(3);
    r.addPage(1, 1, { id: 'a' });
    r.removePage(1, 1);
    r.forget(2);
    expect(r.subscriptionRevision).toBe(seen[2]);
    r.forget(1);
    expect(r.subscriptionRevision).not.toBe(seen[2]);
    expect([...r.subscribers('Heartbeat')]).toEqual([]);
  });
});
