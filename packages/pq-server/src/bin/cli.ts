import { resolve } from 'node:path';
import { ErrorCode, type TextEncoding } from '@portico/pq-codec';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { PqServerOptions } from '../server.js';
import type { DetectorSpec } from '../simulator/photons.js';
import { packageVersion } from '../simulator/version.js';

/** pino's levels, checked here so a typo is a usage error, not a stack trace from pino. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** What the bin runs: server options plus the bits that are the bin's own. */
export interface CliConfig {
  server: PqServerOptions;
  /** Workspace directory, created at start when missing (simulator only). */
  workspace: string | undefined;
  logLevel: string;
  /** 'pretty' (one readable line per event) or 'json' (pino lines); default pretty on a terminal, json when piped. */
  logFormat: 'pretty' | 'json' | undefined;
}

const number =
  (what: string, min: number) =>
  (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) throw new InvalidArgumentError(`${what} must be a number ≥ ${min}, got ${v}`);
    return n;
  };

/** "40000:2.5,30000:3" → det1 at 40 kcps with 2.5 ns, det2 at 30 kcps with 3 ns. */
export function parseDetectors(v: string): DetectorSpec[] {
  const out = v.split(',').map((part) => {
    const [rate, tau] = part.split(':');
    const rateCps = Number(rate);
    const lifetimeNs = Number(tau ?? '2.5');
    if (!(rateCps >= 0) || !(lifetimeNs > 0)) {
      throw new InvalidArgumentError(`detector ${JSON.stringify(part)} must be <counts per second>[:<lifetime ns>]`);
    }
    return { rateCps, lifetimeNs };
  });
  if (out.length < 1 || out.length > 8) throw new InvalidArgumentError('between 1 and 8 detectors (det1..det8)');
  return out;
}

/** "FIFO_OVERRUN@3" or "-101@3": fail every measurement with that code after that many seconds. */
export function parseFault(v: string): { status: number; afterS: number } {
  const m = /^([A-Z_]+|-?\d+)@(\d+(?:\.\d+)?)$/.exec(v.trim());
  const code = m?.[1];
  const status =
    code === undefined ? undefined : /^-?\d+$/.test(code) ? Number(code) : (ErrorCode as Record<string, number>)[code];
  if (m === null || status === undefined) {
    throw new InvalidArgumentError(`fault must be <ERROR_CODE or number>@<seconds>, e.g. FIFO_OVERRUN@3, got ${v}`);
  }
  return { status, afterS: Number(m[2]) };
}

/** A TCP port: an integer 0…65535 (0 only where "any free port" makes sense). */
export function port(min: number): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isInteger(n) || n < min || n > 65535) {
      throw new InvalidArgumentError(`port must be an integer ${min}…65535, got ${v}`);
    }
    return n;
  };
}

function hostPort(v: string): { host: string; port: number } {
  const m = /^(.*?)(?::([^:]*))?$/.exec(v);
  return { host: m?.[1] || '127.0.0.1', port: m?.[2] === undefined ? 6000 : port(1)(m[2]) };
}

export function buildCommand(): Command {
  return new Command('portico-pq-server')
    .description(
      'A PicoQuant SymPhoTime remote-interface server: simulates measurements and writes PTU files into a workspace, ' +
        'or relays to a real SymPhoTime (--upstream).',
    )
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .version(packageVersion(), '-V, --version', 'print the version')
    .option('--port <port>', 'TCP port (0: any free port, printed at start)', port(0), 6000)
    .option('--workspace <dir>', 'workspace directory for PTU files', 'workspace')
    .addOption(
      new Option(
        '--completion <code>',
        "completion status: 'ready' (MEASUREMENT_READY, simulator) or 'no-error' (seed)",
      )
        .choices(['ready', 'no-error'])
        .default('ready'),
    )
    .addOption(
      new Option('--errors <form>', "run-time errors as 'explained' ('S', simulator) or 'encoded' ('C', seed)")
        .choices(['explained', 'encoded'])
        .default('explained'),
    )
    .option('--seed-variant', "the seed's literal variant: completion NO_ERROR, errors as encoded 'C'")
    .option('--no-greeting', "send no 'C' NO_ERROR greeting on connect")
    .option('--echo-type', 'put the requested measurement type into data frames (the simulator sends 0)')
    .option('--reply-delay <ms>', 'delay before a reply', number('reply delay', 0), 250)
    .option('--min-gap <ms>', 'minimum gap between messages', number('gap', 0), 100)
    .option('--frame-interval <ms>', 'data frame interval, start to start', number('frame interval', 1), 1250)
    .option('--no-pacing', 'reply delay, gap and frame pacing all 0')
    .option('--reply-timeout <ms>', 'time allowed for every client answer', number('reply timeout', 1), 4000)
    .option(
      '--partial-timeout <ms>',
      "a message begun must be complete within this time, else 'S' MESSAGE_TIMEOUT and close",
      number('partial timeout', 1),
      10_000,
    )
    .option(
      '--idle-timeout <ms>',
      'close a client that sends nothing this long while nothing runs (default: never)',
      number('idle timeout', 1),
    )
    .option(
      '--busy-wait',
      "a second client's 'S' SERVER_BUSY waits for its answer (up to 4000 ms) instead of closing after 45 ms",
    )
    .addOption(
      new Option('--encoding <name>', 'text encoding of names and explanations on the wire (as the client must use)')
        .choices(['windows-1252', 'utf-8', 'latin1'])
        .default('windows-1252'),
    )
    .option('--detectors <list>', 'detectors as rate:lifetime,… e.g. 40000:2.5,30000:3', parseDetectors)
    .option(
      '--measurement-time <s>',
      'end every measurement after this many seconds',
      number('measurement time', 0.001),
    )
    .option('--time-per-pixel <s>', 'time per pixel when a scan request has none', number('time per pixel', 1e-9))
    .option('--sync-rate <hz>', 'laser repetition rate', number('sync rate', 1))
    .option('--fault <code@s>', 'inject a fault into every measurement, e.g. FIFO_OVERRUN@3', parseFault)
    .option('--seed <n>', 'photon generator seed', number('seed', 0))
    .option('--analysis', 'add TCSPC analysis values (TCSPCHist1_FastLT_Ch<n>, SumCounts) to data frames')
    .option('--upstream <host:port>', 'relay to this SymPhoTime instead of simulating', hostPort)
    .addOption(new Option('--log-level <level>', 'log level').choices([...LOG_LEVELS]).default('info'))
    .addOption(
      new Option('--log-format <format>', 'pretty (default on a terminal) or json (default when piped)').choices([
        'pretty',
        'json',
      ]),
    );
}

interface RawOptions {
  host: string;
  port: number;
  workspace: string;
  completion: string;
  errors: string;
  seedVariant?: boolean;
  greeting: boolean;
  echoType?: boolean;
  replyDelay: number;
  minGap: number;
  frameInterval: number;
  pacing: boolean;
  replyTimeout: number;
  partialTimeout: number;
  idleTimeout?: number;
  busyWait?: boolean;
  encoding: string;
  logFormat?: 'pretty' | 'json';
  detectors?: DetectorSpec[];
  measurementTime?: number;
  timePerPixel?: number;
  syncRate?: number;
  fault?: { status: number; afterS: number };
  seed?: number;
  analysis?: boolean;
  upstream?: { host: string; port: number };
  logLevel: string;
}

/** Parses command-line arguments (without node and script) into the bin's configuration. */
export function parseArgs(argv: readonly string[], cwd = process.cwd()): CliConfig {
  const cmd = buildCommand().exitOverride();
  cmd.parse([...argv], { from: 'user' });
  const o = cmd.opts<RawOptions>();
  const workspace = o.upstream ? undefined : resolve(cwd, o.workspace);
  const server: PqServerOptions = {
    host: o.host,
    port: o.port,
    greeting: o.greeting ? ErrorCode.NO_ERROR : false,
    completionStatus: o.seedVariant || o.completion === 'no-error' ? ErrorCode.NO_ERROR : ErrorCode.MEASUREMENT_READY,
    errorStatus: o.seedVariant || o.errors === 'encoded' ? 'encoded' : 'explained',
    frameMeasurementType: o.echoType ? 'echo' : 'zero',
    replyTimeoutMs: o.replyTimeout,
    partialFrameTimeoutMs: o.partialTimeout,
    ...(o.idleTimeout === undefined ? {} : { idleTimeoutMs: o.idleTimeout }),
    ...(o.busyWait ? { busyCloseMs: false as const } : {}),
    encoding: o.encoding as TextEncoding,
    pacing: o.pacing
      ? { replyDelayMs: o.replyDelay, minGapMs: o.minGap, frameIntervalMs: o.frameInterval }
      : { replyDelayMs: 0, minGapMs: 0, frameIntervalMs: 0 },
    simulator: {
      ...(workspace === undefined ? {} : { workspace }),
      frameIntervalMs: o.frameInterval,
      ...(o.detectors ? { detectors: o.detectors } : {}),
      ...(o.measurementTime === undefined ? {} : { measurementTimeS: o.measurementTime }),
      ...(o.timePerPixel === undefined ? {} : { defaultTimePerPixelS: o.timePerPixel }),
      ...(o.syncRate === undefined ? {} : { syncRateHz: o.syncRate }),
      ...(o.fault === undefined ? {} : { fault: o.fault }),
      ...(o.seed === undefined ? {} : { seed: o.seed }),
      ...(o.analysis ? { analysis: true } : {}),
    },
    ...(o.upstream ? { upstream: o.upstream } : {}),
  };
  return { server, workspace, logLevel: o.logLevel, logFormat: o.logFormat };
}
