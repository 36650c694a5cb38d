import { describe, expect, it } from 'vitest';
import { classifyChanges, changedPaths } from './diff.js';
import { validateConfig } from './load.js';

describe('reload classification', () => {
  it('applies log level, token and allowed hosts live and names every other change as needing a restart', () => {
    const a = validateConfig({}, 'a');
    const b = validateConfig(
      { log: { level: 'debug' }, admin: { token: 'x'.repeat(20) }, pq: { port: 6001, pacing: { minGapMs: 0 } } },
      'b',
    );
    expect(classifyChanges(changedPaths(a, b))).toEqual({
      live: ['log.level', 'admin.token'],
      restart: ['pq.port', 'pq.pacing'],
    });
  });
});
