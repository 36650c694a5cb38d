// portico-inspect decode: raw bytes of each protocol, binary or hex text, from a file or standard input.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode as encodePq, ErrorCode, StopReasonCode } from '@portico/pq-codec';
import { toHex } from '@portico/wire';
import { afterAll, describe, expect, it } from 'vitest';
import { inspect, lastLine } from '../test-support/run.js';
import { LRSN_GREETING, lrsnSteps, pqSteps, smartteDatagrams } from '../test-support/sessions.js';

const tmp = mkdtempSync(join(tmpdir(), 'portico-decode-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const file = (name: string, bytes: Uint8Array | string) => {
  const path = join(tmp, name);
  writeFileSync(path, bytes);
  return path;
};
const json = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('portico-inspect decode --protocol pq', () => {
  const server = pqSteps('image scan 8x8').filter((s) => s.from === 'server');
  const stream = Buffer.concat(server.map((s) => s.bytes));

  it('prints offset, direction, type, fields and raw bytes of every message of a binary stream', async () => {
    const r = await inspect(['decode', '-p', 'pq', '--from', 'server', file('server.bin', stream)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      "@      0  server → client  'C' ENCODED_STATUSMSG  0 NO_ERROR\n    00000000  0a 00 43 50 51 53 50 54 00 00",
    );
    expect(r.stdout).toContain("@     10  server → client  'd' DATAFRAME_SRVREPLY  0 NO_ERROR");
    expect(r.stdout).toMatch(/@ +20 {2}server → client {2}'x' DATAFRAME_SRVNACK {2}#1 type=0 ServerVersion=0x01000900/);
    expect(lastLine(r.stdout)).toBe(
      `decode pq: ${server.length} messages decoded, 0 damaged, ${stream.length} bytes (binary) from ${join(tmp, 'server.bin')}`,
    );
  });

  it('reads hex text from standard input and names status codes by the sender', async () => {
    const hex = `# a client stop\n${toHex(encodePq({ type: 'EncodedStatus', tag: 'C', status: StopReasonCode.USER_BREAK }), ' ')}\n`;
    const r = await inspect(['decode', '-p', 'pq', '--from', 'client', '-'], hex);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("client → server  'C' ENCODED_STATUSMSG  2 USER_BREAK");
    expect(lastLine(r.stdout)).toBe('decode pq: 1 messages decoded, 0 damaged, 10 bytes (hex) from stdin');
    const unknown = await inspect(['decode', '-p', 'pq', '-'], hex);
    expect(unknown.stdout).toContain("direction ?  'C' ENCODED_STATUSMSG  2 server:USER_BREAK|client:USER_BREAK");
  });

  it('reports garbage between messages as damage with the codec error, and decodes on after it', async () => {
    const good = encodePq({ type: 'EncodedStatus', tag: 'C', status: ErrorCode.NO_ERROR });
    const busy = encodePq({ type: 'DataframeReply', tag: 'd', status: ErrorCode.SERVER_BUSY });
    const bytes = Buffer.concat([good, Buffer.from('noise'), busy, busy.subarray(0, 4)]);
    const r = await inspect(['decode', '-p', 'pq', '--json', file('noisy.bin', bytes)]);
    expect(r.code).toBe(1);
    const lines = json(r.stdout);
    expect(lines.map((l) => l.type)).toEqual([
      "'C' ENCODED_STATUSMSG",
      'damaged bytes',
      "'d' DATAFRAME_SRVREPLY",
      'damaged bytes',
      undefined,
    ]);
    expect(lines[1]).toMatchObject({
      offset: 10,
      raw: toHex(Buffer.from('noise')),
      damage: { code: 'PQ_BAD_MAGIC', offset: 13 },
    });
    expect(lines[2]).toMatchObject({ offset: 15, from: 'server', fields: { status: -2 } });
    expect(lines[3]).toMatchObject({ offset: 25, damage: { code: 'PQ_TRUNCATED' } });
    expect(lines[4]).toEqual({
      summary: expect.stringContaining('2 messages decoded, 2 damaged'),
      decoded: 2,
      damaged: 2,
      bytes: 29,
    });
  });

  it('refuses text that is not hex when told it is hex', async () => {
    const r = await inspect(['decode', '-p', 'pq', '--format', 'hex', '-'], 'zz\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('portico-inspect: INSPECT_BAD_HEX: stdin line 1: expected hex digits: got "zz"\n');
  });
});

describe('portico-inspect decode --protocol lrsn', () => {
  it('LR-03 "Some messages are only valid when sent from the client to the server, or from the server to the client": the sender comes from the type', async () => {
    const bytes = Buffer.concat(lrsnSteps().map((s) => s.bytes));
    const r = await inspect(['decode', '-p', 'lrsn', '--json', file('lrsn.txt', bytes)]);
    expect(r.code).toBe(0);
    const lines = json(r.stdout);
    expect(lines.slice(0, -1).map((l) => `${l.from} ${l.type}`)).toEqual([
      'server LRSN',
      'client Login',
      'server LoginAck',
      'client PageRequest',
      'server PageRequestStatus',
    ]);
    expect(lines[0]).toMatchObject({ offset: 0, raw: toHex(LRSN_GREETING), fields: { swver: '3.2', login: 'none' } });
  });

  it('reports a malformed line and an unterminated last line, and decodes the lines between', async () => {
    const text = `<Bad\n${new TextDecoder().decode(LRSN_GREETING)}<Login`;
    const r = await inspect(['decode', '-p', 'lrsn', '-'], text);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/@ +0 {2}direction \? {2}damaged line {2}5 bytes\n {4}damage: LRSN_XML_INVALID/);
    expect(r.stdout).toMatch(/@ +5 {2}server → client {2}LRSN {2}services="NetPage:2.1;Heartbeat"/);
    expect(r.stdout).toMatch(/damaged line {2}6 bytes\n {4}damage: LRSN_TRUNCATED/);
    expect(lastLine(r.stdout)).toContain('1 messages decoded, 2 damaged');
  });
});

describe('portico-inspect decode --protocol smartte', () => {
  const datagrams = smartteDatagrams({ address: '10.0.0.4', port: 3771 }, { address: '10.0.0.1', port: 3006 });

  it('decodes one datagram per line of hex text, with the B.2 sender of each type', async () => {
    const hex = datagrams.map((d) => toHex(d.bytes)).join('\n');
    const r = await inspect(['decode', '-p', 'smartte', '-'], hex);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /@ +0 {2}client → server {2}CONNECT_REQUEST {2}seq=0 token=0x00000000 uid="00:11:22:33:44:55"/,
    );
    expect(r.stdout).toMatch(/server → client {2}CONNECT_ACCEPT {2}seq=0 token=0x1234abcd port=5007/);
    expect(r.stdout).toMatch(/direction \? {2}ACK {2}seq=0 ack=2/);
    expect(lastLine(r.stdout)).toContain(`${datagrams.length} messages decoded, 0 damaged`);
  });

  it('splits binary datagrams by their length field and reports a bad one', async () => {
    const bad = Uint8Array.of(0x53, 0x54, 9, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    const bytes = Buffer.concat([datagrams[0]!.bytes, bad, datagrams[1]!.bytes]);
    const r = await inspect(['decode', '-p', 'smartte', '--json', file('st.bin', bytes)]);
    expect(r.code).toBe(1);
    const lines = json(r.stdout);
    expect(lines.map((l) => l.type)).toEqual(['CONNECT_REQUEST', 'damaged datagram', 'CONNECT_ACCEPT', undefined]);
    expect(lines[1]).toMatchObject({ damage: { code: 'ST_BAD_VERSION' } });
  });
});
