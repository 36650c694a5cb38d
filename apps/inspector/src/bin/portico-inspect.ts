#!/usr/bin/env node
// portico-inspect: decode and check PQ, LRSN and SmartTE traffic. Usage errors exit 2 (commander's errors included),
// bad inputs print one line and exit 2, violations or damage exit 1, a clean run exits 0.
import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { processOutput } from '../commands/output.js';
import { isInspectError } from '../errors.js';
import { PROTOCOLS, type Protocol, type Side } from '../message.js';
import { type HostPort, parseHostPort } from '../proxy/address.js';

// Each command's module is imported when its command runs, not at start-up: importing all of them (three codecs, the
// role servers, the proxy) took a few hundred ms of CPU before any work, a tenth of `ptu --summary` of 1 GiB
// (ptu.bench.ts).
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

function side(v: string): Side {
  if (v !== 'server' && v !== 'client') throw new InvalidArgumentError('expected "server" or "client"');
  return v;
}

function count(v: string): number {
  if (v === 'all') return Number.POSITIVE_INFINITY;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number of bytes or "all"');
  return n;
}

const protocolOption = () =>
  new Option('-p, --protocol <protocol>', 'the protocol of the bytes').choices(PROTOCOLS).makeOptionMandatory();
const jsonOption = () => new Option('--json', 'one JSON object per line (the last one is the summary)');
const rawLimitOption = () =>
  new Option('--raw-limit <bytes>', 'raw bytes dumped per message ("all" for every byte)')
    .argParser(count)
    .default(256);

// A reader that stops early (`portico-inspect pcap big.pcap | head`) closes the pipe: end quietly, as Unix tools do,
// instead of an unhandled EPIPE with a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
  process.exit(process.exitCode ?? 0);
});

const program = new Command('portico-inspect')
  .description('Decode and check PQ, LRSN and SmartTE traffic: raw bytes, captures (pcap, pcapng) and sessions.')
  .version(version, '-V, --version')
  .showHelpAfterError()
  .exitOverride();

program
  .command('decode')
  .description('decode every message of raw bytes (binary, or hex text); FILE "-" reads standard input')
  .argument('<file>', 'input file, or - for standard input')
  .addOption(protocolOption())
  .addOption(new Option('--from <side>', 'who sent the bytes: server or client').argParser(side))
  .addOption(new Option('--format <format>', 'input format').choices(['auto', 'hex', 'binary']).default('auto'))
  .addOption(jsonOption())
  .addOption(rawLimitOption())
  .action(
    async (
      file: string,
      o: { protocol: Protocol; from?: Side; format: 'auto' | 'hex' | 'binary'; json?: boolean; rawLimit: number },
    ) => {
      const json = o.json === true;
      const { runDecode } = await import('../commands/decode.js');
      process.exitCode = await runDecode(
        file,
        { protocol: o.protocol, ...(o.from ? { from: o.from } : {}), format: o.format, json, rawLimit: o.rawLimit },
        processOutput(json),
      );
    },
  );

program
  .command('pcap')
  .description('decode every session of a pcap or pcapng capture (PQ, LRSN over TCP; SmartTE over UDP) as a timeline')
  .argument('<file>', 'capture file, or - for standard input')
  .addOption(jsonOption())
  .addOption(rawLimitOption())
  .addOption(new Option('--html <file>', 'also write a self-contained HTML report (sequence diagrams, raw bytes)'))
  .action(async (file: string, o: { json?: boolean; rawLimit: number; html?: string }) => {
    const json = o.json === true;
    const { runPcap } = await import('../commands/pcap.js');
    process.exitCode = await runPcap(
      file,
      { json, rawLimit: o.rawLimit, ...(o.html ? { html: o.html } : {}) },
      processOutput(json),
    );
  });

program
  .command('check')
  .description("hold every session against its protocol's handshake; exit 1 when a rule is broken")
  .argument('<file>', 'pcap/pcapng capture or PQ session JSON, or - for standard input')
  .addOption(jsonOption())
  .action(async (file: string, o: { json?: boolean }) => {
    const json = o.json === true;
    const { runCheck } = await import('../commands/check.js');
    process.exitCode = await runCheck(file, json, processOutput(json));
  });

program
  .command('proxy')
  .description('live tap: forward a client to a server unchanged, printing messages and violations as they happen')
  .addOption(protocolOption())
  .addOption(new Option('--listen <host:port>', 'where clients connect').argParser(parseHostPort).makeOptionMandatory())
  .addOption(new Option('--target <host:port>', 'the real server').argParser(parseHostPort).makeOptionMandatory())
  .addOption(new Option('--record <file>', 'also write what passes as a pcapng capture'))
  .addOption(jsonOption())
  .addOption(rawLimitOption())
  .action(
    async (o: {
      protocol: Protocol;
      listen: HostPort;
      target: HostPort;
      record?: string;
      json?: boolean;
      rawLimit: number;
    }) => {
      const json = o.json === true;
      // Runs until SIGINT or SIGTERM; then the record is finished and the summary printed.
      const stop = new Promise((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      const { runProxy } = await import('../commands/proxy.js');
      process.exitCode = await runProxy(
        {
          protocol: o.protocol,
          listen: o.listen,
          target: o.target,
          ...(o.record ? { record: o.record } : {}),
          json,
          rawLimit: o.rawLimit,
        },
        processOutput(json),
        stop,
      );
    },
  );

program
  .command('ptu')
  .description('a PTU (TTTR) file: header tags, summary, records and micro-time histogram, read in chunks')
  .argument('<file>', 'PTU file, or - for standard input')
  .option('--summary', 'records, photons per channel, overflows, markers, resolutions and duration (no tags)')
  .addOption(new Option('--records <n>', 'print the first N decoded records').argParser(count).default(0))
  .option('--histogram', 'draw the micro-time (lifetime) histogram in the terminal (T3 files)')
  .option('--png <file>', 'write the micro-time histogram as a PNG image (T3 files)')
  .addOption(jsonOption())
  .action(
    async (
      file: string,
      o: { summary?: boolean; records: number; histogram?: boolean; png?: string; json?: boolean },
    ) => {
      const json = o.json === true;
      const { runPtu } = await import('../commands/ptu.js');
      process.exitCode = await runPtu(
        file,
        {
          summary: o.summary === true,
          records: o.records,
          histogram: o.histogram === true,
          ...(o.png === undefined ? {} : { png: o.png }),
          json,
        },
        processOutput(json),
      );
    },
  );

program
  .command('pq-sessions')
  .description('decode every message of a PQ session capture (the JSON format of shared/data/pq)')
  .argument('<file>', 'capture file, or - for standard input')
  .action(async (file: string) => {
    const { inspectPqSessions } = await import('../pq-sessions.js');
    const r = await inspectPqSessions(file, processOutput(false));
    process.exitCode = r.surprises > 0 ? 1 : 0;
  });

program.parseAsync().catch((e: unknown) => {
  if (e instanceof CommanderError) {
    // Help and --version end through here with exit code 0; every other commander error is a usage error.
    process.exitCode = e.exitCode === 0 ? 0 : 2;
    return;
  }
  if (isInspectError(e)) {
    process.stderr.write(`portico-inspect: ${e.message}\n`);
    process.exitCode = 2;
    return;
  }
  throw e;
});
