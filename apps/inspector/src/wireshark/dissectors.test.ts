// The Wireshark Lua dissectors (issue 16 item 7): generated from the codecs' constants (the committed files must equal
// the generator's output, so they cannot drift), and `tshark` with them shows, for every packet of captures recorded
// from the project's own servers and clients, the same message types as portico-inspect.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { captureSessions } from '../capture-input.js';
import { wiresharkDissectors } from './dissectors.js';

const here = (path: string) => new URL(`../../${path}`, import.meta.url).pathname;
const dissectors = Object.keys(wiresharkDissectors()).map((name) => here(`wireshark/${name}`));

/** tshark is a Debian package `.ci/run` installs; its absence is a failure with one line saying so, never a skip. */
function tshark(args: readonly string[]): string {
  const probe = spawnSync('tshark', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0)
    throw new Error('tshark not found: install the Debian package `tshark` (apt-get install tshark; .ci/run does)');
  return execFileSync('tshark', [...dissectors.flatMap((d) => ['-X', `lua_script:${d}`]), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 64 << 20,
  });
}

const FIELDS = ['portico_pq.type', 'portico_lrsn.type', 'portico_smartte.type'];

/** Per packet (0-based, as the inspector counts), the message types tshark shows, sorted. */
function tsharkTypes(file: string): Map<number, string[]> {
  const text = tshark([
    '-r',
    file,
    '-T',
    'fields',
    '-e',
    'frame.number',
    ...FIELDS.flatMap((f) => ['-e', f]),
    '-E',
    'separator=\t',
    '-E',
    'occurrence=a',
    '-E',
    'aggregator=|',
  ]);
  const out = new Map<number, string[]>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const [frame, ...cols] = line.split('\t');
    const types = cols.flatMap((c) => (c === '' ? [] : c.split('|')));
    if (types.length > 0) out.set(Number(frame) - 1, types.sort());
  }
  return out;
}

/** Per packet, the message types portico-inspect decodes (each message counted at the packet that completed it). */
function inspectorTypes(file: string): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const s of captureSessions(readFileSync(file), file).sessions)
    for (const m of s.messages) {
      if (m.packet === undefined) continue;
      out.set(m.packet, [...(out.get(m.packet) ?? []), m.type].sort());
    }
  return out;
}

describe('Wireshark Lua dissectors', () => {
  it('the shipped files are the generator output over the codecs constants (regenerate: pnpm --filter @portico/inspector wireshark)', () => {
    for (const [name, text] of Object.entries(wiresharkDissectors()))
      expect(readFileSync(here(`wireshark/${name}`), 'utf8'), name).toBe(text);
  });

  it.each([
    ['PQ: connectPq measuring through createPqServer', 'test/captures/own-pq.pcapng', 8],
    ['LRSN: connectLrsn log-on, page and event from createLrsnServer', 'test/captures/own-lrsn.pcapng', 7],
    [
      'SmartTE: connectSmartTe steps 1–8, data and disconnect with createSmartTeServer',
      'test/captures/own-smartte.pcapng',
      12,
    ],
    ['all three on default ports over Linux cooked SLL2 (docs/sample.pcapng)', 'docs/sample.pcapng', 0],
  ])(
    'tshark shows the same message types as portico-inspect for every packet: %s',
    (_name, path, least) => {
      const file = here(path);
      const inspector = inspectorTypes(file);
      const wireshark = tsharkTypes(file);
      const count = [...inspector.values()].reduce((n, t) => n + t.length, 0);
      expect(count).toBeGreaterThanOrEqual(Math.max(least, 1));
      expect(Object.fromEntries(wireshark)).toEqual(Object.fromEntries(inspector));
    },
    120_000,
  );
});
