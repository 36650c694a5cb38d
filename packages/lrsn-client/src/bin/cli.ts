import { readFileSync } from 'node:fs';
import { type PageRequestStatus, parsePagerField, resultCodeName } from '@portico/lrsn-codec';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { connectLrsn, type LrsnClient } from '../client.js';
import type { LrsnClientOptions } from '../options.js';
import type { PageInput } from '../page.js';

/** Where the CLI writes, and what stops it (the bin wires SIGINT to `signal`). */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Aborting it ends `follow` (Ctrl-C). */
  signal?: AbortSignal;
  /** The password when --passwd is not given (the bin passes LRSN_PASSWD, so it stays out of the process list). */
  passwd?: string;
}

interface Common {
  host: string;
  port: number;
  user?: string;
  passwd?: string;
  services?: string[];
  json?: boolean;
  timeout: number;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

const integer =
  (what: string, min: number, max = Number.MAX_SAFE_INTEGER) =>
  (v: string): number => {
    const n = Number(v);
    if (!/^\d+$/.test(v.trim()) || n < min || n > max)
      throw new InvalidArgumentError(`${what} must be an integer ${min}–${max}`);
    return n;
  };
const list = (v: string): string[] => v.split(/[;,]/).filter((s) => s !== '');
const pager = (v: string): string => {
  try {
    parsePagerField(v);
  } catch {
    throw new InvalidArgumentError('expected "<type>;<number>", e.g. "2;105" (2 = guest pager)');
  }
  return v;
};

function program(io: CliIo): Command {
  const root = new Command('portico-lrsn')
    .description('Send pages to an LRSN (Long Range Systems NetPage) server and follow its events.')
    .version(version(), '-V, --version')
    .option('-H, --host <host>', 'server host', '127.0.0.1')
    .option('-p, --port <port>', 'server port', integer('port', 1, 65535), 3700)
    .option('-u, --user <user>', 'user name, for servers that greet with login="passwd"')
    .option('--passwd <password>', 'password (or set LRSN_PASSWD)')
    .option('-s, --services <list>', 'services to subscribe to, e.g. NetPage;Heartbeat (default: all offered)', list)
    .option('--json', 'one JSON object per line, for scripts')
    .option(
      '-t, --timeout <ms>',
      'longest wait for the connection and for a page status',
      integer('timeout', 1),
      10_000,
    )
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  root
    .command('page')
    .description('send one page and wait for its final status')
    .argument('<pager>', 'short form "<type>;<number>" (0 alpha, 1 numeric, 2 guest, 3 staff, 4 vibe)', pager)
    .argument('[message]', 'text (alphanumeric pagers) or a page-mode name such as Vibe1')
    .option('--id <id>', 'transaction id (default: one is chosen, so the status can be followed)')
    .option('--no-status', 'send without an id and do not wait for a status')
    .option('--system-id <id>', 'system (restaurant) id')
    .option('--long <type>', 'send the long (NetPage 1.0) form with this Pager Type, e.g. Guest')
    .option('--power <0-5>', 'transmit power for the long form', integer('power', 0, 5))
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  root
    .command('follow')
    .description('print every event the server sends (heartbeats, KeyCallTX, LrsRX, PocsagRX, TableMan) until Ctrl-C')
    .option('--ack-tables', 'answer every TableUpdate with TableUpdateAck ret="0"')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  return root;
}

interface PageOpts {
  id?: string;
  status: boolean;
  systemId?: string;
  long?: string;
  power?: number;
}

function pageInput(pagerArg: string, message: string | undefined, o: PageOpts): PageInput & { track?: boolean } {
  const id = o.id === undefined ? {} : { id: o.id };
  const track = o.status && o.id === undefined ? { track: true } : {};
  const msg = message === undefined ? {} : { message };
  if (o.long !== undefined) {
    const { number } = parsePagerField(pagerArg);
    return {
      form: 'long',
      ...id,
      ...track,
      ...msg,
      ...(o.power === undefined ? {} : { power: o.power }),
      pager: { type: o.long, id: number, ...(o.systemId === undefined ? {} : { systemId: o.systemId }) },
    };
  }
  return { pager: pagerArg, ...id, ...track, ...msg, ...(o.systemId === undefined ? {} : { systemId: o.systemId }) };
}

/**
 * `portico-lrsn`: `page` sends one page and waits for its final status; `follow` prints events. Returns the exit
 * code: 0 done, 1 the page failed or the server could not be reached or refused the login, 2 bad usage.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const cmd = program(io);
  let action:
    | { name: 'page'; pager: string; message: string | undefined; opts: PageOpts }
    | { name: 'follow'; ack: boolean }
    | undefined;
  cmd.commands[0]!.action((p: string, m: string | undefined, opts: PageOpts) => {
    action = { name: 'page', pager: p, message: m, opts };
  });
  cmd.commands[1]!.action((opts: { ackTables?: boolean }) => {
    action = { name: 'follow', ack: opts.ackTables === true };
  });
  try {
    cmd.parse([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof InvalidArgumentError) {
      io.err(`${e.message}\n`);
      return 2;
    }
    throw e;
  }
  if (action === undefined) {
    io.err(cmd.helpInformation());
    return 2;
  }
  const o = cmd.opts<Common>();
  const print = (kind: string, data: Record<string, unknown>, text: string) =>
    io.out(o.json ? `${JSON.stringify({ event: kind, ...data })}\n` : `${text}\n`);
  const passwd = o.passwd ?? io.passwd;
  const options: LrsnClientOptions = {
    host: o.host,
    port: o.port,
    connectTimeoutMs: o.timeout,
    greetingTimeoutMs: o.timeout,
    loginTimeoutMs: o.timeout,
    pageTimeoutMs: o.timeout,
    reconnect: action.name === 'follow' ? {} : false,
    ...(o.user === undefined ? {} : { user: o.user }),
    ...(passwd === undefined ? {} : { passwd }),
    ...(o.services === undefined ? {} : { services: o.services }),
  };
  let client: LrsnClient | undefined;
  try {
    client = await connectLrsn(options);
    const g = client.greeting!;
    print(
      'login',
      { device: g.device, swver: g.swver, login: g.login, services: client.services },
      `logged in to ${g.device ?? 'an LRSN server'} ${g.swver} (${o.host}:${o.port}), services ${client.services.join(';')}`,
    );
    if (action.name === 'page') {
      const show = (s: PageRequestStatus) =>
        print(
          'status',
          { id: s.id, status: s.status, ret: s.ret },
          `page ${s.id}: ${s.status} (${resultCodeName(s.ret) ?? s.ret})`,
        );
      const r = await client.page(pageInput(action.pager, action.message, action.opts), { onStatus: show });
      if (r.status === 'written') print('written', {}, 'page sent (no id: no status follows)');
      return 0;
    }
    return await follow(client, io, action.ack, print);
  } catch (e) {
    const err = e as { code?: string; message?: string; ret?: number };
    if (o.json) io.out(`${JSON.stringify({ event: 'error', code: err.code, ret: err.ret, message: err.message })}\n`);
    io.err(`${err.message ?? String(e)}\n`);
    return 1;
  } finally {
    await client?.close();
  }
}

async function follow(
  client: LrsnClient,
  io: CliIo,
  ack: boolean,
  print: (kind: string, data: Record<string, unknown>, text: string) => void,
): Promise<number> {
  const line = (m: { type: string }) => print(m.type, { message: m }, `${m.type} ${JSON.stringify(m)}`);
  client.on('heartbeat', line);
  client.on('keycall', line);
  client.on('lrsrx', line);
  client.on('pocsag', line);
  client.on('unknown', (m) => print('unknown', { name: m.name, raw: m.raw }, `unknown ${m.raw ?? m.name}`));
  client.on('table-update', (u) => {
    line(u);
    if (ack) client.ackTable(u.id, 0);
  });
  client.on('disconnect', (reason) => print('disconnect', { reason }, `disconnected (${reason}), reconnecting`));
  client.on('login', (services) => print('login', { services }, `logged in again, services ${services.join(';')}`));
  const signal = io.signal;
  if (signal !== undefined && !signal.aborted) {
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  }
  return 0;
}
