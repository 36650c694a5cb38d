// Child processes for the release rehearsal: every command is bounded in time, runs with a clean npm environment
// (the scratch .npmrc, never the developer's registry or token), and a failure says which command and why.
import { execFile, execFileSync } from 'node:child_process';

/** Environment for npm and pnpm: none of the caller's npm_config_* (pnpm run sets many), the scratch config instead. */
export function npmEnv(scratch) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_config_/i.test(k) && !/^pnpm_/i.test(k)) env[k] = v;
  return {
    ...env,
    PATH: `${scratch.bin}:${process.env.PATH}`,
    npm_config_userconfig: scratch.npmrc,
    npm_config_cache: scratch.npmCache,
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    COREPACK_ENABLE_DOWNLOAD_PROMPT: '0',
    TURBO_TELEMETRY_DISABLED: '1',
  };
}

/**
 * Runs `cmd args` in `cwd` and returns its stdout; throws with the command, its exit status and the tail of its
 * output when it fails or outlives `timeoutS`.
 */
export function run(cmd, args, { cwd, env, timeoutS = 120, quiet = false }) {
  const started = Date.now();
  try {
    const out = execFileSync(cmd, args, {
      cwd,
      env,
      encoding: 'utf8',
      timeout: timeoutS * 1000,
      killSignal: 'SIGKILL',
      maxBuffer: 64 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (!quiet) console.log(`  $ ${[cmd, ...args].join(' ')}  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    return out;
  } catch (e) {
    const tail = `${e.stdout ?? ''}${e.stderr ?? ''}`.trim().split('\n').slice(-25).join('\n');
    const why = e.signal === 'SIGKILL' ? `timed out after ${timeoutS} s` : `exit ${e.status ?? e.code}`;
    throw new Error(`${[cmd, ...args].join(' ')} (in ${cwd}): ${why}\n${tail}`);
  }
}

/** `run` without blocking, so that independent consumers are checked side by side. */
export function runAsync(cmd, args, { cwd, env, timeoutS = 120, quiet = false }) {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      args,
      { cwd, env, encoding: 'utf8', timeout: timeoutS * 1000, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024 },
      (e, stdout, stderr) => {
        if (!e) {
          if (!quiet) console.log(`  $ ${[cmd, ...args].join(' ')}  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
          resolve(stdout);
          return;
        }
        const tail = `${stdout ?? ''}${stderr ?? ''}`.trim().split('\n').slice(-25).join('\n');
        const why = e.killed ? `timed out after ${timeoutS} s` : `exit ${e.code}`;
        reject(new Error(`${[cmd, ...args].join(' ')} (in ${cwd}): ${why}\n${tail}`));
      },
    );
  });
}
