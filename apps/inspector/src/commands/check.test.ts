// portico-inspect check: the rules run over real captures; exit status says whether any rule was broken.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode as encodePq } from '@portico/pq-codec';
import { VENDOR_SESSIONS_FILE } from '@portico/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { merge, type Step, tcpFrames, tcpSegments, udpFrames } from '../test-support/conversation.js';
import { writePcapng } from '../pcap/writer.js';
import { inspect, lastLine } from '../test-support/run.js';
import { LRSN_GREETING, lrsnSteps, pqSteps, smartteDatagrams } from '../test-support/sessions.js';

const tmp = mkdtempSync(join(tmpdir(), 'portico-check-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const file = (bytes: Uint8Array) => {
  const path = join(tmp, `c${n++}.pcapng`);
  writeFileSync(path, bytes);
  return path;
};

const pqHosts = { client: { address: '10.0.0.2', port: 50123 }, server: { address: '10.0.0.1', port: 6000 } };
const lrHosts = { client: { address: '10.0.0.3', port: 40000 }, server: { address: '10.0.0.1', port: 3700 } };
const stClient = { address: '10.0.0.4', port: 3771 };
const stServer = { address: '10.0.0.1', port: 3006 };

function capture(pq: Step[], lrsn: Step[], smartte = smartteDatagrams(stClient, stServer)): string {
  const a = { ...pqHosts, steps: pq, closeBy: 'client' as const };
  const b = { ...lrHosts, steps: lrsn, start: 1_700_000_000_500 };
  return file(
    writePcapng(
      merge(
        tcpFrames(a, tcpSegments(a), 'sll2'),
        tcpFrames(b, tcpSegments(b), 'sll2'),
        udpFrames(smartte, 'sll2', 1_700_000_001_000),
      ),
      'sll2',
    ),
  );
}

describe('portico-inspect check', () => {
  it('passes a capture whose three sessions keep their handshakes, exit 0', async () => {
    const r = await inspect(['check', capture(pqSteps('image scan 8x8'), lrsnSteps())]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      `check: 3 sessions, 3 conform, 0 violations in 0 sessions, from ${join(tmp, `c${n - 1}.pcapng`)}\n`,
    );
    expect(r.code).toBe(0);
  });

  it('reports each broken rule with its session, message and SEED-TRACE ID, exit 1', async () => {
    const pq = pqSteps('image scan 8x8');
    const firstFrame = pq.findIndex((s) => s.bytes[2] === 0x78);
    // PQ-07: the client answers a data frame.
    pq.splice(firstFrame + 1, 0, {
      t: pq[firstFrame]!.t + 5,
      from: 'client',
      bytes: encodePq({ type: 'EncodedStatusReply', tag: 'c', status: 0 }),
    });
    // LR-07: the greeting twice.
    const lrsn = [...lrsnSteps(), { t: 200, from: 'server' as const, bytes: LRSN_GREETING }];
    // ST-08: the registration request to the server port instead of the session port.
    const st = smartteDatagrams(stClient, stServer).map((d, i) => (i === 2 ? { ...d, dst: stServer } : d));
    const r = await inspect(['check', capture(pq, lrsn, st)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      "  2.900 s client 'c' ENCODED_STATUSREPLY 0 CONTINUE_OK\n  !! PQ-07: 'c' from the client answers data frame #1",
    );
    expect(r.stdout).toMatch(
      /session 2: LRSN over TCP.*\n {2}0\.200 s server LRSN .*\n {2}!! LR-07: <LRSN> sent twice/,
    );
    expect(r.stdout).toMatch(
      /session 3: SMARTTE over UDP.*\n {2}0\.010 s client REGISTER_REQUEST .*\n {2}!! ST-08: REGISTER_REQUEST sent to port 3006, not the session port 5007/,
    );
    expect(lastLine(r.stdout)).toMatch(/^check: 3 sessions, 0 conform, 3 violations in 3 sessions/);
  });

  it('PQ-12 "acknowledgement of a status message missing" in the vendor capture, as JSON lines', async () => {
    const r = await inspect(['check', '--json', VENDOR_SESSIONS_FILE]);
    expect(r.code).toBe(1);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual([
      {
        session: 3,
        rule: 'PQ-12',
        text: expect.stringContaining('not acknowledged within 4000 ms'),
        message: {
          time: 5.696,
          from: 'server',
          type: "'C' ENCODED_STATUSMSG",
          summary: '1 MEASUREMENT_READY',
          offset: 0,
        },
      },
      {
        summary: expect.stringContaining('5 sessions, 4 conform, 1 violations'),
        sessions: 5,
        violations: 1,
        failingSessions: 1,
      },
    ]);
  });

  it('marks a violation in the pcap timeline under the message that broke the rule', async () => {
    const lrsn = lrsnSteps();
    const [greeting, login, ack, page] = lrsn;
    const reordered = [greeting!, page!, login!, ack!].map((s, i) => ({ ...s, t: i * 20 }));
    const r = await inspect(['pcap', capture(pqSteps('test image scan'), reordered)]);
    expect(r.stdout).toMatch(
      /client → server {2}PageRequest .*\n(?: {4}[0-9a-f]{8} .*\n)+(?: {4}… .*\n)? {4}!! violation LR-09: <PageRequest> from the client before login/,
    );
    expect(lastLine(r.stdout)).toContain('1 violations');
  });
});

describe('portico-inspect check on exchanges of the project own servers and clients', () => {
  it.each([
    ['pq', 'connectPq and createPqServer'],
    ['lrsn', 'connectLrsn and createLrsnServer'],
    ['smartte', 'connectSmartTe and createSmartTeServer'],
  ])('%s: the recorded exchange of %s conforms (exit 0, no violation)', async (protocol) => {
    const file = new URL(`../../test/captures/own-${protocol}.pcapng`, import.meta.url).pathname;
    const r = await inspect(['check', file]);
    expect(lastLine(r.stdout)).toMatch(/^check: 1 sessions, 1 conform, 0 violations/);
    expect(r.code).toBe(0);
  });
});
