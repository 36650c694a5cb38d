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
