// `portico-inspect check FILE|-`: holds every session of a capture (pcap, pcapng, or the PQ session JSON of
// shared/data/pq) against its protocol's handshake and lists each violation with the message that broke it and the
// rule. Exit status 1 when any violation was found.
import { fromHex } from '@portico/wire';
import { isCaptureFile, pendingCapture } from '../capture-input.js';
import { checkSession, type Finding } from '../conformance/run.js';
import { decodePqBytes } from '../decode/pq.js';
import { readInput } from '../input.js';
import type { InspectedMessage, Side } from '../message.js';
import { parseCapture } from '../pq-sessions.js';
import type { Output } from './output.js';
import { findingText, sessionFindings, sessionTitle } from './pcap.js';

interface Checked {
  title: string;
  findings: Finding[];
  t0: number;
}

function fromPqJson(text: string, name: string): Checked[] {
  return parseCapture(text, name).sessions.map((session, i) => {
    const messages: InspectedMessage[] = [];
    let end = 0;
    let closedBy: Side | undefined;
    for (const m of session.messages) {
      end = m.t * 1000;
      if (m.event?.includes('closed by server')) closedBy = 'server';
      if (m.hex === undefined || m.dir === undefined) continue;
      const from: Side = m.dir === 'c2s' ? 'client' : 'server';
      // Each recorded message is one message (pq-sessions): decodePqBytes reports a bad one as damage.
      const [inspected] = decodePqBytes(fromHex(m.hex), { from });
      if (inspected) messages.push({ ...inspected, time: m.t * 1000 });
    }
    return {
      title: `session ${i + 1}: ${session.name}`,
      findings: checkSession({ protocol: 'pq', messages, end: { time: end, ...(closedBy ? { closedBy } : {}) } }),
      t0: 0,
    };
  });
}

export async function runCheck(file: string, json: boolean, out: Output): Promise<number> {
  const { name, bytes } = await readInput(file);
  const checked: Checked[] = isCaptureFile(bytes)
    ? // One session decoded at a time: only its findings are kept.
      pendingCapture(bytes, name).sessions.map((pending) => {
        const s = pending.decode();
        return { title: sessionTitle(s), findings: sessionFindings(s), t0: s.start };
      })
    : fromPqJson(Buffer.from(bytes).toString('utf8'), name);
  let total = 0;
  checked.forEach((c, i) => {
    total += c.findings.length;
    for (const f of c.findings) {
      const m = f.culprit;
      const at = m.time === undefined ? '' : `${((m.time - c.t0) / 1000).toFixed(3)} s `;
      if (json) {
        out.line(
          JSON.stringify({
            session: i + 1,
            rule: f.rule,
            text: f.text,
            message: {
              time: m.time === undefined ? null : (m.time - c.t0) / 1000,
              from: m.from ?? null,
              type: m.type,
              summary: m.summary,
              offset: m.offset,
            },
          }),
        );
      } else {
        out.line(`${c.title}`);
        out.line(`  ${at}${m.from ?? '?'} ${m.type} ${m.summary}`);
        out.line(`  !! ${findingText(f)}`);
      }
    }
  });
  const bad = checked.filter((c) => c.findings.length > 0).length;
  out.summary(
    `check: ${checked.length} sessions, ${checked.length - bad} conform, ${total} violations in ${bad} sessions, from ${name}`,
    {
      sessions: checked.length,
      violations: total,
      failingSessions: bad,
    },
  );
  return total > 0 ? 1 : 0;
}
