// --html: a self-contained report (no scripts, no external files): per session a sequence diagram of the exchange
// (SVG: client and server lifelines, one arrow per message, violations in red), then each message decoded with its
// raw bytes, and the violations highlighted beside the message that broke the rule.
import { hexdump } from '@portico/wire';
import type { Finding } from '../conformance/run.js';
import { endpointText, type InspectedMessage } from '../message.js';
import type { Session } from '../pcap/sessions.js';

export interface ReportSession {
  session: Session;
  findings: Finding[];
}

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const ROW = 26;
const LEFT = 120;
const RIGHT = 620;

function diagram(r: ReportSession): string {
  const { session: s, findings } = r;
  const bad = new Set(findings.map((f) => f.culprit));
  const height = 60 + s.messages.length * ROW;
  const rows = s.messages.map((m, i) => {
    const y = 50 + i * ROW;
    const [x1, x2] = m.from === 'server' ? [RIGHT, LEFT] : [LEFT, RIGHT];
    const cls = bad.has(m) ? 'violation' : m.damage ? 'damage' : 'msg';
    const t = m.time === undefined ? '' : `${((m.time - s.start) / 1000).toFixed(3)} s`;
    return [
      `<text x="10" y="${y + 4}" class="time">${esc(t)}</text>`,
      m.from === undefined
        ? `<line x1="${LEFT}" y1="${y}" x2="${RIGHT}" y2="${y}" class="${cls}" stroke-dasharray="4 3"/>`
        : `<line x1="${x1}" y1="${y}" x2="${x2}" y2="${y}" class="${cls}" marker-end="url(#arrow-${cls})"/>`,
      `<a href="#s${s.id}m${i}"><text x="${(LEFT + RIGHT) / 2}" y="${y - 5}" class="label ${cls}">${esc(m.type)}</text></a>`,
    ].join('');
  });
  const markers = ['msg', 'damage', 'violation']
    .map(
      (c) =>
        `<marker id="arrow-${c}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="head-${c}"/></marker>`,
    )
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${RIGHT + 140}" height="${height}" role="img" aria-label="sequence diagram of session ${s.id}">
<defs>${markers}</defs>
<text x="${LEFT}" y="20" text-anchor="middle" class="actor">client ${esc(endpointText(s.client))}</text>
<text x="${RIGHT}" y="20" text-anchor="middle" class="actor">server ${esc(endpointText(s.server))}</text>
<line x1="${LEFT}" y1="28" x2="${LEFT}" y2="${height}" class="lifeline"/><line x1="${RIGHT}" y1="28" x2="${RIGHT}" y2="${height}" class="lifeline"/>
${rows.join('\n')}
</svg>`;
}

function messageRow(s: Session, m: InspectedMessage, i: number, findings: Finding[]): string {
  const mine = findings.filter((f) => f.culprit === m);
  const t = m.time === undefined ? '' : ((m.time - s.start) / 1000).toFixed(6);
  return `<tr id="s${s.id}m${i}" class="${mine.length ? 'violation' : m.damage ? 'damage' : ''}">
<td>${esc(t)}</td><td>${m.offset}</td><td>${esc(m.from ?? '?')}</td><td>${esc(m.type)}</td>
<td>${esc(m.summary)}${m.damage ? `<div class="note">damage: ${esc(m.damage.code)} at ${m.damage.offset}: ${esc(m.damage.message)}</div>` : ''}${mine
    .map((f) => `<div class="note">violation ${esc(f.rule)}: ${esc(f.text)}</div>`)
    .join('')}
<details><summary>${m.raw.length} bytes</summary><pre>${esc(hexdump(m.raw, m.offset))}</pre></details></td></tr>`;
}

export function renderHtmlReport(title: string, sessions: readonly ReportSession[]): string {
  const total = sessions.reduce((n, r) => n + r.findings.length, 0);
  const body = sessions
    .map((r) => {
      const s = r.session;
      const heading = `Session ${s.id}: ${s.protocol?.toUpperCase() ?? 'unrecognised'} over ${s.transport.toUpperCase()}`;
      const list = r.findings.length
        ? `<ul class="violations">${r.findings.map((f) => `<li><a href="#s${s.id}m${s.messages.indexOf(f.culprit)}">${esc(f.rule)}</a>: ${esc(f.text)}</li>`).join('')}</ul>`
        : '<p class="ok">No violations.</p>';
      return `<section id="s${s.id}"><h2>${esc(heading)}</h2>
<p>client ${esc(endpointText(s.client))} ↔ server ${esc(endpointText(s.server))}${s.recognisedBy ? `; recognised by ${esc(s.recognisedBy)}` : ''}${s.notes.map((n) => `; ${esc(n)}`).join('')}</p>
${list}
${s.messages.length ? diagram(r) : ''}
<table><thead><tr><th>time (s)</th><th>offset</th><th>from</th><th>type</th><th>fields and raw bytes</th></tr></thead><tbody>
${s.messages.map((m, i) => messageRow(s, m, i, r.findings)).join('\n')}
</tbody></table></section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;width:100%;font-size:13px}td,th{border-bottom:1px solid #ddd;padding:4px;text-align:left;vertical-align:top}
tr.violation{background:#fde2e2}tr.damage{background:#fff3cd}.note{color:#a00;font-weight:600}
pre{font-size:12px;margin:4px 0}.ok{color:#070}.violations li{color:#a00}
svg .lifeline{stroke:#999;stroke-width:1}svg .msg{stroke:#246}svg .damage{stroke:#b80}svg .violation{stroke:#c00;stroke-width:2}
svg .label{font:12px monospace;text-anchor:middle}svg text.violation{fill:#c00;stroke:none}svg text.damage{fill:#b80;stroke:none}svg text.msg{fill:#246;stroke:none}
svg .time{font:11px monospace;fill:#666}svg .actor{font:bold 13px sans-serif}
.head-msg{fill:#246}.head-damage{fill:#b80}.head-violation{fill:#c00}
</style></head><body>
<h1>${esc(title)}</h1>
<p>${sessions.length} sessions, ${total} violations.</p>
${body}
</body></html>
`;
}
