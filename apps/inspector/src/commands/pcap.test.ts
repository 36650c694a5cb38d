// portico-inspect pcap: captures written here from the vendor's PQ sessions and codec-encoded LRSN and SmartTE
// exchanges, over every supported link type, both IP versions, and with the faults a real capture has.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HANDSHAKE_STEPS } from '@portico/smartte-server/conformance';
import { merge, type Seg, tcpFrames, tcpSegments, udpFrames } from '../test-support/conversation.js';
import { type Link, type Packet, writePcap, writePcapng } from '../pcap/writer.js';
import { inspect, lastLine } from '../test-support/run.js';
import { lrsnSteps, pqSteps, smartteDatagrams } from '../test-support/sessions.js';

const tmp = mkdtempSync(join(tmpdir(), 'portico-pcap-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
function file(bytes: Uint8Array): string {
  const path = join(tmp, `capture-${n++}`);
  writeFileSync(path, bytes);
  return path;
}

const v4 = { client: { address: '10.0.0.2', port: 50123 }, server: { address: '10.0.0.1', port: 6000 } };
const v6 = { client: { address: 'fd00::2', port: 50124 }, server: { address: 'fd00::1', port: 6000 } };
const lrsnHosts = { client: { address: '10.0.0.3', port: 40000 }, server: { address: '10.0.0.1', port: 3700 } };
const stClient = { address: '10.0.0.4', port: 3771 };
const stServer = { address: '10.0.0.1', port: 3006 };

function pqImage(link: Link, hosts = v4, edit: (s: Seg[]) => Seg[] = (s) => s, mss?: number): Packet[] {
  const script = { ...hosts, steps: pqSteps('image scan 8x8'), closeBy: 'client' as const, ...(mss ? { mss } : {}) };
  return tcpFrames(script, edit(tcpSegments(script)), link);
}

function mixed(link: Link): Packet[] {
  const lrsn = { ...lrsnHosts, steps: lrsnSteps(), start: 1_700_000_000_500, closeBy: 'client' as const };
  return merge(
    pqImage(link),
    tcpFrames(lrsn, tcpSegments(lrsn), link),
    udpFrames(smartteDatagrams(stClient, stServer), link, 1_700_000_001_000),
  );
}

/** The decoded message types of every session, from --json output. */
async function types(path: string): Promise<string[][]> {
  const r = await inspect(['pcap', '--json', path]);
  const lines = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const out: string[][] = [];
  for (const l of lines) {
    if ('summary' in l) continue;
    if (!('type' in l)) out.push([]);
    else out.at(-1)!.push(`${l.from} ${l.type}`);
  }
  return out;
}

const PQ_IMAGE_TYPES = [
  "server 'C' ENCODED_STATUSMSG",
  "client 'c' ENCODED_STATUSREPLY",
  "client 'D' DATAFRAME_SRVREQUEST",
  "server 'd' DATAFRAME_SRVREPLY",
  "server 'x' DATAFRAME_SRVNACK",
  "server 'x' DATAFRAME_SRVNACK",
  "server 'x' DATAFRAME_SRVNACK",
  "server 'C' ENCODED_STATUSMSG",
  "client 'c' ENCODED_STATUSREPLY",
  "client 'D' DATAFRAME_SRVREQUEST",
  "server 'd' DATAFRAME_SRVREPLY",
  "server 'x' DATAFRAME_SRVNACK",
  "server 'x' DATAFRAME_SRVNACK",
  "server 'x' DATAFRAME_SRVNACK",
  "client 'C' ENCODED_STATUSMSG",
  "server 'c' ENCODED_STATUSREPLY",
];

describe('portico-inspect pcap', () => {
  it('decodes PQ, LRSN and SmartTE sessions of one pcapng capture (Linux cooked SLL2) into a golden timeline', async () => {
    const r = await inspect(['pcap', '--raw-limit', '16', file(writePcapng(mixed('sll2'), 'sll2'))]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(lastLine(r.stdout)).toMatch(
      /^pcap: 3 sessions \(pq 1, lrsn 1, smartte 1\), 33 messages decoded, 0 damaged, 0 violations, \d+ packets \(pcapng\) from /,
    );
    await expect(r.stdout.replace(/from \S+$/m, 'from FILE')).toMatchFileSnapshot('../../test/golden/mixed-sll2.txt');
  });

  it.each<[string, (p: Packet[], l: Link) => Uint8Array, Link]>([
    ['pcap, Ethernet', (p, l) => writePcap(p, l), 'ethernet'],
    [
      'pcap big-endian with nanosecond stamps, Linux SLL',
      (p, l) => writePcap(p, l, { bigEndian: true, nanoseconds: true }),
      'sll',
    ],
    ['pcapng big-endian, BSD loopback', (p, l) => writePcapng(p, l, { bigEndian: true }), 'null'],
  ])('reads %s', async (_name, write, link) => {
    const sessions = await types(file(write(mixed(link), link)));
    expect(sessions).toHaveLength(3);
    expect(sessions[0]).toEqual(PQ_IMAGE_TYPES);
    expect(sessions[1]).toEqual([
      'server LRSN',
      'client Login',
      'server LoginAck',
      'client PageRequest',
      'server PageRequestStatus',
    ]);
    // Steps 1–7 of ST-17, then the client's ACK of step 7.
    expect(sessions[2]!.slice(0, 8).map((t) => t.split(' ')[1])).toEqual([...HANDSHAKE_STEPS.slice(0, 7), 'ACK']);
  });

  it('reassembles IPv6 TCP segments delivered out of order and retransmitted, across a sequence-number wrap', async () => {
    const shuffled = (segs: Seg[]): Seg[] => {
      const out = [...segs];
      // Swap neighbours among data segments and send some twice: the capture order is not the stream order.
      for (let i = 5; i + 1 < out.length - 2; i += 4) [out[i], out[i + 1]] = [out[i + 1]!, out[i]!];
      for (let i = 6; i < out.length - 2; i += 9) out.splice(i, 0, { ...out[i]! });
      return out;
    };
    const path = file(writePcap(pqImage('ethernet', v6, shuffled, 7), 'ethernet'));
    expect((await types(path))[0]).toEqual(PQ_IMAGE_TYPES);
    const r = await inspect(['pcap', path]);
    expect(r.stdout).toMatch(/session 1: PQ over TCP, client \[fd00::2\]:50124 ↔ server \[fd00::1\]:6000/);
    expect(r.stdout).toMatch(/note: client → server: \d+ retransmitted segments ignored/);
    expect(r.stdout).toMatch(/note: server → client: \d+ out-of-order segments put in place/);
    expect(r.code).toBe(0);
  });

  it('recognises each protocol by content on non-default ports', async () => {
    const pq = { client: { address: '10.0.0.2', port: 50000 }, server: { address: '10.0.0.1', port: 7001 } };
    const lr = { client: { address: '10.0.0.3', port: 50001 }, server: { address: '10.0.0.1', port: 4000 } };
    const packets = merge(
      tcpFrames(pq, tcpSegments({ ...pq, steps: pqSteps('test image scan') }), 'ethernet'),
      tcpFrames(lr, tcpSegments({ ...lr, steps: lrsnSteps(), start: 1_700_000_000_100 }), 'ethernet'),
      udpFrames(
        smartteDatagrams({ address: '10.0.0.4', port: 41000 }, { address: '10.0.0.1', port: 4006 }, 4100),
        'ethernet',
      ),
    );
    const r = await inspect(['pcap', file(writePcap(packets, 'ethernet'))]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'PQ over TCP, client 10.0.0.2:50000 ↔ server 10.0.0.1:7001 (recognised by content ("PQSPT" magic)',
    );
    expect(r.stdout).toContain(
      'LRSN over TCP, client 10.0.0.3:50001 ↔ server 10.0.0.1:4000 (recognised by content (<LRSN greeting)',
    );
    expect(r.stdout).toContain(
      'SMARTTE over UDP, client 10.0.0.4:41000 ↔ server 10.0.0.1:4006 (recognised by content ("ST" header)',
    );
  });

  it('tells client from server by message types when the capture starts after the handshake', async () => {
    const script = {
      ...v4,
      server: { address: '10.0.0.1', port: 9999 },
      steps: pqSteps('test image scan'),
      noHandshake: true,
    };
    const r = await inspect(['pcap', file(writePcap(tcpFrames(script, tcpSegments(script), 'ethernet'), 'ethernet'))]);
    expect(r.stdout).toContain(
      'client 10.0.0.2:50123 ↔ server 10.0.0.1:9999 (recognised by content ("PQSPT" magic); sides by message types)',
    );
    expect(r.stdout).toMatch(/client → server {2}'D' DATAFRAME_SRVREQUEST/);
  });
});

describe('portico-inspect pcap on damaged captures', () => {
  it('reports a capture file cut short and decodes what came before', async () => {
    const whole = writePcap(mixed('ethernet'), 'ethernet');
    const r = await inspect(['pcap', file(whole.subarray(0, whole.length - 30))]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/capture damaged at byte \d+: packet \d+ cut short: \d+ bytes announced, \d+ present/);
    expect(lastLine(r.stdout)).toMatch(/, capture damaged$/);
  });

  it('reports garbage between PQ messages and decodes the messages after it', async () => {
    const steps = pqSteps('image scan 8x8');
    const garbage = { t: steps[3]!.t, from: 'server' as const, bytes: new TextEncoder().encode('garbage!garbage!') };
    const script = { ...v4, steps: [...steps.slice(0, 4), garbage, ...steps.slice(4)] };
    const path = file(writePcap(tcpFrames(script, tcpSegments(script), 'ethernet'), 'ethernet'));
    const r = await inspect(['pcap', path]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/server → client {2}damaged bytes {2}16 bytes skipped\n {4}damage: PQ_BAD_MAGIC/);
    expect((await types(path))[0]!.filter((t) => !t.includes('damaged'))).toEqual(PQ_IMAGE_TYPES);
  });

  it('reports a TCP hole and decodes the messages on both sides of it', async () => {
    const drop = (segs: Seg[]) => segs.filter((s, i) => !(i === 10 && s.from === 'server'));
    const segs = tcpSegments({ ...v4, steps: pqSteps('image scan 8x8') });
    expect(segs[10]!.from).toBe('server');
    const path = file(writePcap(pqImage('ethernet', v4, drop), 'ethernet'));
    const r = await inspect(['pcap', path]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/missing bytes {2}\d+ bytes never captured\n {4}damage: INSPECT_TCP_GAP/);
    expect(r.stdout).toMatch(/note: server → client: 1 holes/);
    expect((await types(path))[0]!.filter((t) => !t.includes('missing'))).toHaveLength(PQ_IMAGE_TYPES.length - 1);
  });

  it('says what a file that is not a capture is, in one line, exit 2', async () => {
    const r = await inspect(['pcap', file(new TextEncoder().encode('hello, world'))]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^portico-inspect: INSPECT_BAD_CAPTURE: .*: expected a pcap .* or pcapng .* file: got first bytes 68 65 6c 6c\n$/,
    );
  });

  it('reads a capture from standard input', async () => {
    const r = await inspect(['pcap', '-'], writePcapng(mixed('ethernet'), 'ethernet'));
    expect(r.code).toBe(0);
    expect(lastLine(r.stdout)).toMatch(/^pcap: 3 sessions .* from stdin$/);
  });
});
