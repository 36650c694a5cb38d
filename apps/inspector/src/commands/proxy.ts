// `portico-inspect proxy --protocol X --listen HOST:PORT --target HOST:PORT [--record FILE]`: a live tap between a
// real client and a real server. Prints each decoded message and each violation as it happens; on SIGINT or SIGTERM
// it stops, finishes the record, and prints the summary (exit 1 if any rule was broken).
import { InspectError } from '../errors.js';
import { formatMessageJson, formatMessageText } from '../format.js';
import { endpointText, type Protocol } from '../message.js';
import type { HostPort } from '../proxy/address.js';
import { Recorder } from '../proxy/recorder.js';
import type { ProxyReport } from '../proxy/report.js';
import { type RunningProxy, startTcpProxy } from '../proxy/tcp.js';
import { startUdpProxy } from '../proxy/udp.js';
import type { Output } from './output.js';

export interface ProxyCommandOptions {
  protocol: Protocol;
  listen: HostPort;
  target: HostPort;
  record?: string;
  json: boolean;
  rawLimit: number;
}

export async function runProxy(o: ProxyCommandOptions, out: Output, stop: Promise<unknown>): Promise<number> {
  const counts = { sessions: 0, messages: 0, damaged: 0, violations: 0 };
  const line = (text: string, json: Record<string, unknown>) => out.line(o.json ? JSON.stringify(json) : text);
  const report: ProxyReport = {
    opened(s, client, server) {
      counts.sessions++;
      line(`session ${s.id} opened: client ${endpointText(client)} ↔ server ${endpointText(server)}`, {
        event: 'opened',
        session: s.id,
        client: endpointText(client),
        server: endpointText(server),
      });
    },
    message(s, m) {
      counts.messages++;
      if (m.damage) counts.damaged++;
      out.line(o.json ? formatMessageJson(m, { session: s.id }) : `[${s.id}] ${formatMessageText(m, o, s.start)}`);
    },
    violation(s, f) {
      counts.violations++;
      line(`[${s.id}] !! violation ${f.rule}: ${f.text}`, {
        event: 'violation',
        session: s.id,
        rule: f.rule,
        text: f.text,
      });
    },
    closed(s, by) {
      line(`session ${s.id} closed${by ? ` first by the ${by}` : ''}`, {
        event: 'closed',
        session: s.id,
        closedBy: by ?? null,
      });
    },
    problem(text) {
      line(`problem: ${text}`, { event: 'problem', text });
    },
  };
  const recorder = o.record === undefined ? undefined : new Recorder(o.record);
  const common = { listen: o.listen, target: o.target, report, ...(recorder ? { recorder } : {}) };
  let proxy: RunningProxy;
  try {
    proxy =
      o.protocol === 'smartte' ? await startUdpProxy(common) : await startTcpProxy({ ...common, protocol: o.protocol });
  } catch (e) {
    await recorder?.close();
    const err = e as NodeJS.ErrnoException;
    throw new InspectError('INSPECT_LISTEN_FAILED', {
      what: `listen on ${endpointText({ address: o.listen.host, port: o.listen.port })}`,
      expected: err.code === 'EADDRINUSE' ? 'a free port (choose another with --listen)' : 'an address this host has',
      got: err.code ?? err.message,
      cause: e,
    });
  }
  line(
    `proxy ${o.protocol}: listening on ${endpointText({ address: proxy.address.host, port: proxy.address.port })}, forwarding to ${endpointText({ address: o.target.host, port: o.target.port })}`,
    { event: 'listening', host: proxy.address.host, port: proxy.address.port },
  );
  await stop;
  await proxy.close();
  await recorder?.close();
  const decoded = counts.messages - counts.damaged;
  out.summary(
    `proxy ${o.protocol}: ${counts.sessions} sessions, ${decoded} messages decoded, ${counts.damaged} damaged, ${counts.violations} violations${o.record ? `, recorded to ${o.record}` : ''}`,
    { sessions: counts.sessions, decoded, damaged: counts.damaged, violations: counts.violations },
  );
  return counts.violations > 0 || counts.damaged > 0 ? 1 : 0;
}
