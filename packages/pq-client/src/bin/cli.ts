import { readFileSync } from 'node:fs';
import {
  type BuildRequestInput,
  ErrorCode,
  MeasurementType,
  type PqMessage,
  ScanningPattern,
  type TextEncoding,
} from '@portico/pq-codec';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { connectPq } from '../client.js';
import { isPqClientError, PqClientErrorCode } from '../errors.js';
import type { PqClientOptions } from '../types.js';
import { det1Of, outcomeLine, progressLine, progressOf, ptuLocation } from './progress.js';

/** Where the CLI writes, and what stops it (the bin wires SIGINT to `signal`). */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** True when `out` is a terminal: the progress line is rewritten in place, else one line per frame. */
  tty: boolean;
  /** Aborting it stops the measurement with USER_BREAK (Ctrl-C). */
  signal?: AbortSignal;
}

const TYPES: Readonly<Record<string, number>> = {
  point: MeasurementType.POINTMEAS,
  image: MeasurementType.IMAGESCAN,
  'test-point': MeasurementType.TEST_POINTMEAS,
  'test-image': MeasurementType.TEST_IMAGESCAN,
};

function number(what: string, min: number): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n < min)
      throw new InvalidArgumentError(`${what} must be a number ≥ ${min}`);
    return n;
  };
}

/** A TCP port, range-checked like every other number (issue 12 §9). */
function port(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isInteger(n) || n < 1 || n > 65535)
    throw new InvalidArgumentError('port must be an integer 1…65535');
  return n;
}

/** pq-client's own version (src/bin and dist/bin both sit two levels below the package root). */
function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string })
    .version;
}

function pixels(v: string): [number, number] {
  const m = /^(\d+)[xX×](\d+)$/.exec(v.trim());
  if (!m) throw new InvalidArgumentError('expected WIDTHxHEIGHT, e.g. 256x256');
  return [Number(m[1]), Number(m[2])];
}

function measurementType(v: string): number {
  const t = TYPES[v];
  if (t !== undefined) return t;
  const n = Number(v);
  if (Number.isInteger(n)) return n;
  throw new InvalidArgumentError(`expected one of ${Object.keys(TYPES).join(', ')} or a number`);
}

interface CliOptions {
  host: string;
  port: number;
  type?: number;
  pixels?: [number, number];
  timePerPixel?: number;
  resolution?: number;
  bidirectional?: boolean;
  filename?: string;
  groupname?: string;
  comment?: string;
  duration?: number;
  greetingTimeout: number;
  replyTimeout: number;
  frameInterval: number;
  encoding: string;
  verbose?: boolean;
  json?: boolean;
  wait?: number;
}

function program(io: CliIo): Command {
  return new Command('portico-pq')
    .description('Run one measurement on a PicoQuant SymPhoTime remote interface (PQ) server and show its progress.')
    .option('-H, --host <host>', 'server host', '127.0.0.1')
    .version(packageVersion(), '-V, --version', 'print the version')
    .option('-p, --port <port>', 'server port', port, 6000)
    .option('--wait <seconds>', 'retry connecting for up to this long until the server listens', number('wait', 0))
    .option(
      '-t, --type <type>',
      'point, image, test-point, test-image or a number (default: image with --pixels, else point)',
      measurementType,
    )
    .option('--pixels <WxH>', 'image size in pixels, e.g. 256x256', pixels)
    .option('--time-per-pixel <seconds>', 'TimePerPixel record', number('time per pixel', 0))
    .option('--resolution <metres>', 'pixel size in metres (fSpatialResolution)', number('resolution', 0))
    .option('--bidirectional', 'bidirectional scanning pattern')
    .option('-f, --filename <name>', 'Filename record (no extension; name templates allowed)')
    .option('-g, --groupname <name>', 'Groupname record (workspace sub-folder)')
    .option('--comment <text>', 'Comment record')
    .option('-d, --duration <seconds>', 'stop the measurement (USER_BREAK) after this long', number('duration', 0))
    .option('--greeting-timeout <ms>', 'wait this long for the server greeting', number('greeting timeout', 0), 500)
    .option('--reply-timeout <ms>', "longest wait for the server's replies", number('reply timeout', 1), 4000)
    .option(
      '--frame-interval <ms>',
      "the server's frame interval (3 without a frame = silent server)",
      number('frame interval', 1),
      1250,
    )
    .addOption(
      new Option('--encoding <name>', 'text encoding of names')
        .choices(['windows-1252', 'utf-8', 'latin1'])
        .default('windows-1252'),
    )
    .option('-v, --verbose', 'log every message on stderr, the greeting exchange included')
    .option('--json', 'one JSON object per line on stdout for every event (and message with -v), for scripts')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
}

function requestOf(o: CliOptions): BuildRequestInput {
  const r: BuildRequestInput = {};
  if (o.type !== undefined) r.measurementType = o.type;
  if (o.pixels) [r.pixelsX, r.pixelsY] = o.pixels;
  if (o.bidirectional) r.scanningPattern = ScanningPattern.BIDIRECTIONAL;
  if (o.resolution !== undefined) r.spatialResolution = o.resolution;
  if (o.timePerPixel !== undefined) r.timePerPixel = o.timePerPixel;
  if (o.filename !== undefined) r.filename = o.filename;
  if (o.groupname !== undefined) r.groupname = o.groupname;
  if (o.comment !== undefined) r.comment = o.comment;
  return r;
}

/** Connects, retrying refused connections until `waitS` has passed (`--wait`, issue 12 §9). */
async function connectWaiting(
  options: PqClientOptions,
  waitS: number | undefined,
): Promise<Awaited<ReturnType<typeof connectPq>>> {
  const until = performance.now() + (waitS ?? 0) * 1000;
  for (;;) {
    try {
      return await connectPq(options);
    } catch (e) {
      const retry = isPqClientError(e, PqClientErrorCode.CONNECT_FAILED) && performance.now() + 200 < until;
      if (!retry || options.signal?.aborted) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** How long an image scan should take [ms], when the request says (PixX × PixY × TimePerPixel). */
function expectedMs(o: CliOptions): number | undefined {
  if (o.pixels === undefined || o.timePerPixel === undefined) return undefined;
  return o.pixels[0] * o.pixels[1] * o.timePerPixel * 1000;
}

/**
 * `portico-pq`: connects, runs one measurement, shows a live progress line (elapsed, percent and time left when the
 * scan's length is known, frames, det1 count rate) and where the PTU file went; `--json` writes one object per event
 * instead. Returns the exit code: 0 when the measurement completed or was stopped, 1 when it failed, 2 for bad usage.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const cmd = program(io);
  try {
    cmd.parse([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    throw e;
  }
  const o = cmd.opts<CliOptions>();
  const json = o.json === true;
  const event = (e: Record<string, unknown>) => io.out(`${JSON.stringify(e)}\n`);
  const trace = (dir: 'in' | 'out', m: PqMessage) =>
    json
      ? event({ event: 'message', dir, message: m })
      : io.err(`${dir === 'in' ? '<-' : '->'} ${JSON.stringify(m)}\n`);
  const options: PqClientOptions = {
    host: o.host,
    port: o.port,
    greetingTimeoutMs: o.greetingTimeout,
    replyTimeoutMs: o.replyTimeout,
    frameIntervalMs: o.frameInterval,
    encoding: o.encoding as TextEncoding,
    // Attached before the greeting, so -v shows the whole exchange (issue 12 §9).
    ...(o.verbose ? { onMessage: trace } : {}),
  };
  if (io.signal) options.signal = io.signal;
  const request = requestOf(o);
  const test =
    request.measurementType === MeasurementType.TEST_POINTMEAS ||
    request.measurementType === MeasurementType.TEST_IMAGESCAN;
  let client: Awaited<ReturnType<typeof connectPq>> | undefined;
  try {
    client = await connectWaiting(options, o.wait);
    if (json) event({ event: 'connected', host: o.host, port: o.port, greeting: client.greeting });
    else io.out(`connected to ${o.host}:${o.port} (greeting ${client.greeting})\n`);
    client.on('warning', (w) =>
      json ? event({ event: 'warning', code: w.code, message: w.message }) : io.err(`warning: ${w.message}\n`),
    );
    const started = performance.now();
    const h = client.measure(request, io.signal ? { signal: io.signal } : {});
    await h.accepted;
    if (json) event({ event: 'accepted' });
    else io.out('measurement accepted\n');
    const timer =
      o.duration === undefined ? undefined : setTimeout(() => void h.stop().catch(() => {}), o.duration * 1000);
    const totalMs = expectedMs(o);
    let det1: number | undefined;
    let frames = 0;
    const show = () => {
      const line = progressLine({ elapsedMs: performance.now() - started, frames, det1, totalMs });
      io.out(io.tty ? `\r${line}\x1b[K` : `${line}\n`);
    };
    const ticker = io.tty && !json ? setInterval(show, 200) : undefined;
    try {
      for await (const frame of h) {
        frames++;
        det1 = det1Of(frame) ?? det1;
        if (!json) {
          show();
          continue;
        }
        const elapsedMs = performance.now() - started;
        const done = progressOf({ elapsedMs, totalMs });
        event({
          event: 'frame',
          number: frame.recordNumber,
          elapsedMs: Math.round(elapsedMs),
          det1: det1 ?? null,
          ...(done === undefined ? {} : { percent: Math.floor(done * 100), leftMs: Math.round(totalMs! - elapsedMs) }),
          records: frame.records,
        });
      }
    } catch {
      // The same error rejects `done`, reported below.
    } finally {
      clearTimeout(timer);
      clearInterval(ticker);
      if (io.tty && !json) io.out('\n');
    }
    const outcome = await h.done;
    const location = ptuLocation(outcome, { test, filename: o.filename, groupname: o.groupname });
    if (json) event({ event: 'done', ...outcome, file: location });
    else io.out(`${outcomeLine(outcome)}\n${location}\n`);
    await client.close();
    return 0;
  } catch (e) {
    // A server refuses names whose bytes show another encoding than its own (pq-server, issue 12 §10).
    const nonAscii = /[^\x00-\x7f]/.test(`${o.filename ?? ''}${o.groupname ?? ''}`);
    const hint =
      nonAscii && isPqClientError(e, PqClientErrorCode.REJECTED) && e.status === ErrorCode.FILE_CREATE
        ? `; a name that is not ASCII needs the same --encoding on client and server (this client: ${o.encoding})`
        : '';
    const message = `${isPqClientError(e) ? e.message : `unexpected failure: ${String(e)}`}${hint}`;
    if (json) event({ event: 'error', code: isPqClientError(e) ? e.code : 'UNEXPECTED', message });
    io.err(`portico-pq: ${message}\n`);
    await client?.close();
    return 1;
  }
}
