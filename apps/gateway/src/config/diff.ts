/** Leaf paths whose values differ between two configurations (arrays compared whole). */
export function changedPaths(a: unknown, b: unknown, path = ''): string[] {
  const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isObj(a) && isObj(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((k) => changedPaths(a[k], b[k], path === '' ? k : `${path}.${k}`));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [path];
}

/**
 * What SIGHUP can change without a restart (issue 15 §5). Listeners and role options are fixed once a role package
 * has started (pq-server takes its options at creation only), so everything else is reported as needing a restart.
 */
export const LIVE_PATHS = ['log.level', 'admin.token', 'admin.allowedHosts', 'shutdown.drainTimeoutMs'];

export function classifyChanges(paths: string[]): { live: string[]; restart: string[] } {
  const live = paths.filter((p) => LIVE_PATHS.includes(p));
  return { live, restart: paths.filter((p) => !LIVE_PATHS.includes(p)) };
}
