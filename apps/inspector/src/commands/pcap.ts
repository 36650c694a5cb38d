// `portico-inspect pcap FILE|-`: every session of a pcap/pcapng capture as a timeline of decoded messages, with the
// conformance violations marked where they happen.
import { writeFile } from 'node:fs/promises';
import { pendingCapture } from '../capture-input.js';
import { checkSession, type Finding } from '../conformance/run.js';
import { formatMessageJson, formatMessageText } from '../format.js';
import { readInput } from '../input.js';
import { endpointText, type InspectedMessage } from '../message.js';
import type { Session } from '../pcap/sessions.js';
import { type ReportSession, renderHtmlReport } from '../report/html.js';
import type { Output } from './output.js';

export interface PcapOptions {
  json: boolean;
  rawLimit: number;
  /** Also write a self-contained HTML report here. */
  html?: string;
}

export function sessionTitle(s: Session): string {
  const what = s.protocol
    ? `${s.protocol.toUpperCase()} over ${s.transport.toUpperCase()}`
    : `unrecognised ${s.transport.toUpperCase()}`;
  const by = s.recognisedBy ? `recognised by ${s.recognisedBy}; ` : '';
  return `session ${s.id}: ${what}, client ${endpointText(s.client)} ↔ server ${endpointText(s.server)} (${by}sides by ${s.sidesBy})`;
}

export function findingText(f: Finding): string {
  return `${f.rule}: ${f.text}`;
}

export function sessionFindings(s: Session): Finding[] {
  if (!s.protocol) return [];
  return checkSession({
    protocol: s.protocol,
    messages: s.messages,
    end: { time: s.end, ...(s.closedBy ? { closedBy: s.closedBy } : {}) },
  });
}

export async function runPcap(file: string, o: PcapOptions, out: Output): Promise<number> {
  const { name, bytes } = await readInput(file);
  const capture = pendingCapture(bytes, name);
  let messages = 0;
  let damaged = 0;
  let violations = 0;
  const perProtocol = new Map<string, number>();
  const report: ReportSession[] = [];
  // One session decoded at a time and let go once printed (kept only for the HTML report).
  for (const pending of capture.sessions) {
    const s = pending.decode();
    const findings = sessionFindings(s);
    // Kept only for the report: without --html a session's messages are dropped once printed.
    if (o.html) report.push({ session: s, findings });
    const byMessage = new Map<InspectedMessage, Finding[]>();
    for (const f of findings) byMessage.set(f.culprit, [...(byMessage.get(f.culprit) ?? []), f]);
    perProtocol.set(s.protocol ?? 'unrecognised', (perProtocol.get(s.protocol ?? 'unrecognised') ?? 0) + 1);
    messages += s.messages.length;
    damaged += s.messages.filter((m) => m.damage).length;
    violations += findings.length;
    if (o.json) {
      out.line(
        JSON.stringify({
          session: s.id,
          protocol: s.protocol ?? null,
          transport: s.transport,
          client: endpointText(s.client),
          server: endpointText(s.server),
          recognisedBy: s.recognisedBy ?? null,
          sidesBy: s.sidesBy,
          start: s.start / 1000,
          end: s.end / 1000,
          closedBy: s.closedBy ?? null,
          bytes: s.bytes,
          notes: s.notes,
        }),
      );
      for (const m of s.messages) {
        const v = byMessage.get(m);
        out.line(
          formatMessageJson(m, {
            session: s.id,
            ...(v ? { violations: v.map(({ rule, text }) => ({ rule, text })) } : {}),
          }),
        );
      }
      continue;
    }
    out.line('');
    out.line(sessionTitle(s));
    for (const m of s.messages) {
      out.line(formatMessageText(m, o, s.start));
      for (const f of byMessage.get(m) ?? []) out.line(`    !! violation ${findingText(f)}`);
    }
    if (s.closedBy) out.line(`    closed first by the ${s.closedBy}`);
    for (const n of s.notes) out.line(`    note: ${n}`);
    if (!s.protocol) out.line(`    ${s.bytes} bytes not decoded`);
  }
  if (o.html) await writeFile(o.html, renderHtmlReport(`portico-inspect: ${name}`, report));
  if (capture.damage && !o.json)
    out.line(`capture damaged at byte ${capture.damage.offset}: ${capture.damage.message}`);
  const kinds = [...perProtocol].map(([p, n]) => `${p} ${n}`).join(', ');
  out.summary(
    `pcap: ${capture.sessions.length} sessions${kinds ? ` (${kinds})` : ''}, ${messages - damaged} messages decoded, ${damaged} damaged, ${violations} violations, ${capture.packets} packets (${capture.format}) from ${name}${capture.damage ? ', capture damaged' : ''}${o.html ? `, report in ${o.html}` : ''}`,
    {
      sessions: capture.sessions.length,
      decoded: messages - damaged,
      damaged,
      violations,
      packets: capture.packets,
      ...(capture.damage ? { captureDamage: capture.damage.message } : {}),
    },
  );
  return damaged > 0 || capture.damage ? 1 : 0;
}
