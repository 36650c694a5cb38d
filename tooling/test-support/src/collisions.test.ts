// No exported name collides across packages (issue 11, "Public surfaces"): every package's pinned export list
// (packages/*/test/exports.json, apps too) is read, and a name exported by two packages fails, unless listed below.
import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pinnedExports } from './exports.js';

/** Names that may appear in several packages, and why. */
const SHARED: Readonly<Record<string, string>> = {
  encode: 'the codec contract: every codec exports encode(msg) (ARCHITECTURE.md, "The shape of each layer")',
  decode: 'the codec contract: every codec exports decode(bytes)',
  CodecError: "pq-codec re-exports @portico/wire's binding (the same class), as its consumers import it from there",
  isCodecError: "pq-codec re-exports @portico/wire's binding",
  TruncatedInputError: "pq-codec re-exports @portico/wire's binding",
  MalformedInputError: "pq-codec re-exports @portico/wire's binding",
  LimitExceededError: "pq-codec re-exports @portico/wire's binding",
  // Each role package's sans-IO machine contract (ARCHITECTURE.md, the role runtime) names its inputs, outputs and
  // state the same way; each is a different type of its own protocol, and no package re-exports another's. These were
  // exported before the lists were pinned (lrsn-client/pq-client and lrsn-server/pq-server collide on main already);
  // renaming them with a protocol prefix is an open API decision, not made in a merge.
  ClientCommand: "each protocol client's machine commands (lrsn-client, pq-client, smartte-client)",
  ClientEvent: "each protocol client's machine events (lrsn-client, pq-client, smartte-client)",
  ClientInput: "each protocol client's machine input (pq-client, smartte-client)",
  ClientAction: "each protocol client's machine actions (pq-client, smartte-client)",
  ClientState: "each protocol client's connection state (lrsn-client, smartte-client)",
  ClientMachineOptions: "each protocol client's machine options (lrsn-client, pq-client)",
  SessionEvent: "each protocol server's per-session events (lrsn-server, pq-server)",
  SessionInfo: "each protocol server's session row (lrsn-server, pq-server)",
  SessionOptions: "each protocol server's session options (lrsn-server, pq-server)",
  LinkCounters: "smartte-link's B.10 counters and transport's MemoryLink simulator counters, different shapes",
};

const root = new URL('../../../', import.meta.url);

function pinnedLists(): Map<string, string[]> {
  const lists = new Map<string, string[]>();
  for (const dir of ['packages', 'apps']) {
    for (const pkg of readdirSync(new URL(`${dir}/`, root))) {
      const file = new URL(`${dir}/${pkg}/test/exports.json`, root);
      if (!existsSync(file)) continue;
      for (const [entry, list] of Object.entries(pinnedExports(file))) {
        lists.set(`${pkg}${entry === '.' ? '' : entry.slice(1)}`, [...list.values, ...list.types]);
      }
    }
  }
  return lists;
}

describe('exported names across packages', () => {
  const lists = pinnedLists();

  it('the codecs, wire, transport, machine and the PQ roles pin their lists', () => {
    const pinnedPackages = [
      ...['wire', 'pq-codec', 'pq-codec/ptu', 'lrsn-codec', 'smartte-codec'],
      ...['transport', 'machine', 'machine/testing'],
      ...['pq-client', 'pq-server', 'pq-server/simulator', 'pq-server/conformance'],
    ];
    for (const p of pinnedPackages) expect(lists.has(p), p).toBe(true);
  });

  it('no name is exported by two packages (except the shared names above)', () => {
    const owners = new Map<string, string[]>();
    for (const [pkg, names] of lists) {
      for (const n of names) owners.set(n, [...(owners.get(n) ?? []), pkg]);
    }
    const collisions = [...owners]
      .filter(([n, pkgs]) => pkgs.length > 1 && SHARED[n] === undefined)
      .map(([n, pkgs]) => `${n}: ${pkgs.join(', ')}`);
    expect(collisions).toEqual([]);
  });
});
