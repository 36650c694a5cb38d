// The public surface, pinned (CONTRIBUTING.md): test/exports.json lists every name each entry point exports. A change
// to it is an API change: update the list on purpose and add a changeset.
import { exportsOf, pinnedExports } from '@portico/test-support';
import { describe, expect, it } from 'vitest';

const pinned = pinnedExports(new URL('../test/exports.json', import.meta.url));

describe('public surface', () => {
  it('the entry point exports exactly the pinned values and types', async () => {
    expect(exportsOf(new URL('./index.ts', import.meta.url))).toEqual(pinned['.']);
    expect(Object.keys(await import('./index.js')).sort()).toEqual(pinned['.']!.values);
    // Building the TypeScript program of the entry point is CPU-bound: a whole-tree run on a loaded machine needs more
    // than vitest's 30 s.
  }, 180_000);
});
