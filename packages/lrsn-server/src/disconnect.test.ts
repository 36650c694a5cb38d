import { once } from 'node:events';
import { connectLrsn } from '@portico/lrsn-client';
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedPagerBank } from './backend/simulated-bank.js';
import { createLrsnServer, type LrsnServer } from './server.js';

let server: LrsnServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('LrsnServer.disconnect(id)', () => {
  it('closes one logged-in client after its page in flight has its final status; the other client stays', async () => {
    server = await createLrsnServer({
      port: 0,
      heartbeatIntervalS: 0,
      backend: new SimulatedPagerBank({ airtimeMs: 100 }),
    });
    const a = await connectLrsn({ port: server.port, reconnect: false, services: ['NetPage'] });
    const b = await connectLrsn({ port: server.port, reconnect: false, services: ['NetPage'] });
    const [first] = server.connections();
    const statuses: string[] = [];
    const page = a.page({ id: 'p1', pager: '2;105', message: 'Vibe1' }, { onStatus: (s) => statuses.push(s.status) });
    await once(server, 'page');
    const gone = once(a, 'disconnect');
    expect(await server.disconnect(first!.id)).toBe(true);
    expect((await page).status).toBe('sent');
    expect(statuses).toEqual(['accepted', 'sent']);
    await gone;
    expect(server.connections().map((c) => c.id)).not.toContain(first!.id);
    expect(server.connections()).toHaveLength(1);
    expect(b.ready).toBe(true);
    expect(await server.disconnect(first!.id)).toBe(false);
    await Promise.all([a.close(), b.close()]);
  });
});
