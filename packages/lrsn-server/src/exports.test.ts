// The public surface, pinned (CONTRIBUTING.md): test/exports.json lists every name each entry point exports. A change
// to it is an API change: update the list on purpose and add a changeset.
import { exportsOf, pinnedExports } from '@portico/test-support';
import { describe, expect, it } from 'vitest';

const pinned = pinnedExports(new URL('../test/exports.json', import.meta.url));
const ENTRIES = { '.': './index', './conformance': './conformance/index' };

describe('public surface', () => {
  it.each(Object.entries(ENTRIES))(
    '%s exports exactly the pinned values and types',
    async (entry, file) => {
      expect(exportsOf(new URL(`${file}.ts`, import.meta.url))).toEqual(pinned[entry]);
      expect(Object.keys(await import(`${file}.js`)).sort()).toEqual(pinned[entry]!.values);
    },
    180_000, // builds a TypeScript program of the package: slow on a loaded machine
  );
});
