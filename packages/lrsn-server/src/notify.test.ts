import { afterEach, describe, expect, it } from 'vitest';
import { createLrsnServer, DEFAULT_SERVICES, type LrsnServer } from './index.js';
import { RawClient } from './test-support/raw-client.js';

const servers: LrsnServer[] = [];
const clients: RawClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('LrsnServer.notify(service, message): a service the host offers of its own', () => {
  it('LR-16 "indicating which services the client is actually subscribed to": the message goes to the sessions granted that service only', async () => {
    const s = await createLrsnServer({
      port: 0,
      heartbeatIntervalS: 0,
      services: [...DEFAULT_SERVICES, { name: 'PageStatus', version: '1.0' }],
      closeDeadlineMs: 500,
    });
    servers.push(s);
    const watcher = await RawClient.login(s.port, '<Login services="PageStatus"/>');
    const other = await RawClient.login(s.port, '<Login services="NetPage"/>');
    clients.push(watcher.client, other.client);
    expect(watcher.ack).toBe('<LoginAck ret="0" services="PageStatus"/>');
    const status = { type: 'PageRequestStatus', id: 'h1', status: 'sent', ret: 0 } as const;
    expect(s.notify('PageStatus', status)).toBe(1);
    expect(await watcher.client.line(2)).toBe('<PageRequestStatus id="h1" status="sent" ret="0"/>');
    expect(s.notify('Nobody', status)).toBe(0);
    // The other session got nothing: the next line it reads is the status of its own page, sent after.
    other.client.send('<PageRequest id="n1" pager="2;1" message="Vibe1"/>');
    expect(await other.client.line(2)).toMatch(/^<PageRequestStatus id="n1"/);
  });
});
