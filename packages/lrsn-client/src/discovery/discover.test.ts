import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { LRSN_SERVICE_TYPE } from './constants.js';
import { discoverLrsn } from './discover.js';
import { closeMdns, type MdnsSocket, openMdns } from './mdns.js';

// Multicast only on the loopback interface and never on 5353, so nothing leaves a real interface.
const BASE_PORT = 47353 + (process.pid % 1000);
const INSTANCE = 'Bench T7470._lrsn._tcp.local';
const HOST = 'bench-t7470.local';
const TTL = 120;

/** One record as multicast-dns's `respond` takes it (dns-packet's Answer). */
type Answer = Extract<Parameters<MdnsSocket['respond']>[0], readonly unknown[]>[number];

/** What the scripted responder does with one question: the records to answer with, or undefined to stay silent. */
type Script = (type: string, name: string, times: number) => Answer[] | undefined;

const responders: MdnsSocket[] = [];
afterEach(async () => {
  await Promise.all(responders.splice(0).map((m) => closeMdns(m)));
});

/**
 * A DNS-SD responder on 127.0.0.1:`port` that answers each question alone, with no additional records (RFC 6763 §12
 * makes them optional), as `script` says. `asked` lists every question heard, as "TYPE name", in order.
 */
async function responder(port: number, script: Script): Promise<{ asked: string[] }> {
  const mdns = openMdns({ interface: '127.0.0.1', port });
  responders.push(mdns);
  const asked: string[] = [];
  mdns.on('query', (query) => {
    for (const q of query.questions ?? []) {
      asked.push(`${q.type} ${q.name}`);
      const times = asked.filter((a) => a === `${q.type} ${q.name}`).length;
      const answers = script(q.type, q.name, times);
      if (answers !== undefined) mdns.respond({ answers, additionals: [] });
    }
  });
  await once(mdns, 'ready');
  return { asked };
}

const ptr: Answer = { name: LRSN_SERVICE_TYPE, type: 'PTR', ttl: TTL, data: INSTANCE };
const srv: Answer = { name: INSTANCE, type: 'SRV', ttl: TTL, data: { port: 3999, target: HOST } };
const txt: Answer = { name: INSTANCE, type: 'TXT', ttl: TTL, data: [''] };
// Not the sender's address, so a found host of 127.0.0.2 can only have come from this A record.
const a: Answer = { name: HOST, type: 'A', ttl: TTL, data: '127.0.0.2' };

/** Answers PTR, SRV, TXT and A each only when asked for it (`skip` leaves a type's first N questions unanswered). */
function byQuestion(skip: Partial<Record<string, number>> = {}, silent: readonly string[] = []): Script {
  const records: Record<string, Answer> = { PTR: ptr, SRV: srv, TXT: txt, A: a };
  return (type, _name, times) => {
    const record = records[type];
    if (record === undefined || silent.includes(type) || times <= (skip[type] ?? 0)) return undefined;
    return [record];
  };
}

const mdnsOn = (port: number) => ({ udp: false as const, mdns: { interface: '127.0.0.1', port } });

describe('discoverLrsn: DNS-SD follow-up queries (RFC 6763 §12; loopback, test port)', () => {
  it('a PTR-only answer is followed by SRV and TXT for the instance, then A and AAAA for its host', async () => {
    const port = BASE_PORT;
    const { asked } = await responder(port, byQuestion());
    const found = await discoverLrsn({ ...mdnsOn(port), timeoutMs: 1_500 });
    expect(found).toEqual([{ host: '127.0.0.2', port: 3999, via: 'mdns', name: INSTANCE }]);
    // PTR first, then SRV with TXT (one query), then A with AAAA (one query), each asked once.
    expect(asked).toEqual([
      `PTR ${LRSN_SERVICE_TYPE}`,
      `SRV ${INSTANCE}`,
      `TXT ${INSTANCE}`,
      `A ${HOST}`,
      `AAAA ${HOST}`,
    ]);
  });

  it('an SRV question lost once is asked again, and the instance still resolves', async () => {
    const port = BASE_PORT + 1;
    const { asked } = await responder(port, byQuestion({ SRV: 1 }));
    const found = await discoverLrsn({ ...mdnsOn(port), resolve: { intervalMs: 100 }, timeoutMs: 2_000 });
    expect(found).toEqual([{ host: '127.0.0.2', port: 3999, via: 'mdns', name: INSTANCE }]);
    expect(asked.filter((q) => q.startsWith('SRV '))).toHaveLength(2);
  });

  it('retries are bounded: an SRV never answered is asked `attempts` times, then the instance is given up', async () => {
    const port = BASE_PORT + 2;
    const { asked } = await responder(port, byQuestion({}, ['SRV']));
    const found = await discoverLrsn({ ...mdnsOn(port), resolve: { attempts: 3, intervalMs: 40 }, timeoutMs: 2_000 });
    expect(found).toEqual([]);
    // 0, 40 and 120 ms, given up at 280 ms: nothing more is asked in the rest of the 2 s.
    expect(asked.filter((q) => q.startsWith('SRV '))).toHaveLength(3);
    expect(asked.filter((q) => q.startsWith('A '))).toHaveLength(0);
  });

  it('a host whose address never comes is reported at the address the SRV answer came from', async () => {
    const port = BASE_PORT + 3;
    const { asked } = await responder(port, byQuestion({}, ['A']));
    const found = await discoverLrsn({ ...mdnsOn(port), resolve: { attempts: 2, intervalMs: 40 }, timeoutMs: 1_500 });
    expect(found).toEqual([{ host: '127.0.0.1', port: 3999, via: 'mdns', name: INSTANCE }]);
    expect(asked.filter((q) => q.startsWith('A '))).toHaveLength(2);
  });
});
