// Decodes a capture of PQ sessions in the JSON shape of shared/data/pq/vendor-simulator-sessions.json
// ({ sessions: [{ name, messages: [{ t, dir: 's2c' | 'c2s', hex, invalid? } | { t, event }] }] }) and prints
// every message. Each message is decoded on its own, exactly as recorded.
import { decode, isCodecError } from '@portico/pq-codec';
import { fromHex } from '@portico/wire';
import type { Output } from './commands/output.js';
import { InspectError } from './errors.js';
import { readInput } from './input.js';
import { formatPqMessage } from './pq-format.js';

interface CapturedMessage {
  t: number;
  dir?: 's2c' | 'c2s';
  hex?: string;
  invalid?: boolean;
  event?: string;
}
interface Capture {
  source?: string;
  sessions: { name: string; messages: CapturedMessage[] }[];
}

export interface SessionsReport {
  decoded: number;
  rejected: number;
  /** Messages that decoded although the capture marks them invalid, or failed although it does not. */
  surprises: number;
}

export function parseCapture(text: string, file: string): Capture {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new InspectError('INSPECT_BAD_CAPTURE', {
      what: file,
      expected: 'JSON',
      got: `a parse error: ${(e as Error).message}`,
    });
  }
  const sessions = (data as Capture | null)?.sessions;
  if (!Array.isArray(sessions)) {
    throw new InspectError('INSPECT_BAD_CAPTURE', {
      what: file,
      expected: 'an object with a "sessions" array',
      got: data === null ? 'null' : Array.isArray(data) ? 'an array' : typeof data,
    });
  }
  return data as Capture;
}

export async function inspectPqSessions(file: string, output: Output): Promise<SessionsReport> {
  const input = await readInput(file);
  const capture = parseCapture(Buffer.from(input.bytes).toString('utf8'), input.name);
  const out = output.line;
  const report: SessionsReport = { decoded: 0, rejected: 0, surprises: 0 };
  if (capture.source) out(`source: ${capture.source}`);
  capture.sessions.forEach((session, i) => {
    out('');
    out(`session ${i + 1}: ${session.name}`);
    for (const m of session.messages) {
      const t = `${m.t.toFixed(3).padStart(7)} s`;
      if (m.event !== undefined || m.hex === undefined || m.dir === undefined) {
        out(`  ${t}  -- ${m.event ?? 'event'}`);
        continue;
      }
      const arrow = m.dir === 's2c' ? 'server → client' : 'client → server';
      try {
        const msg = decode(fromHex(m.hex));
        report.decoded++;
        if (m.invalid) report.surprises++;
        out(`  ${t}  ${arrow}  ${formatPqMessage(msg, m.dir === 's2c' ? 'server' : 'client')}`);
      } catch (e) {
        if (!isCodecError(e)) throw e;
        report.rejected++;
        if (!m.invalid) report.surprises++;
        out(
          `  ${t}  ${arrow}  rejected ${e.code} at offset ${e.offset}: ${e.message}${m.invalid ? ' (marked invalid in the capture)' : ''}`,
        );
      }
    }
  });
  out('');
  output.summary(
    `pq-sessions: ${capture.sessions.length} sessions, ${report.decoded} messages decoded, ${report.rejected} rejected, ${report.surprises} unexpected`,
    { sessions: capture.sessions.length, ...report },
  );
  return report;
}
