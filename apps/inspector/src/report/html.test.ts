// pcap --html: a self-contained report with a sequence diagram per session and the violations highlighted.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encode as encodePq } from '@portico/pq-codec';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { writePcapng } from '../pcap/writer.js';
import { merge, tcpFrames, tcpSegments, udpFrames } from '../test-support/conversation.js';
import { inspect, lastLine } from '../test-support/run.js';
import { lrsnSteps, pqSteps, smartteDatagrams } from '../test-support/sessions.js';

const tmp = mkdtempSync(join(tmpdir(), 'portico-report-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('portico-inspect pcap --html', () => {
  it('writes one self-contained page: an SVG sequence diagram per session, raw bytes, violations highlighted', async () => {
    const pq = pqSteps('image scan 8x8');
    const frame = pq.findIndex((s) => s.bytes[2] === 0x78);
    pq.splice(frame + 1, 0, {
      t: pq[frame]!.t + 5,
      from: 'client',
      bytes: encodePq({ type: 'EncodedStatusReply', tag: 'c', status: 0 }),
    });
    const a = { client: { address: '10.0.0.2', port: 50123 }, server: { address: '10.0.0.1', port: 6000 }, steps: pq };
    const b = {
      client: { address: '10.0.0.3', port: 40000 },
      server: { address: '10.0.0.1', port: 3700 },
      steps: lrsnSteps(),
    };
    const st = smartteDatagrams({ address: '10.0.0.4', port: 3771 }, { address: '10.0.0.1', port: 3006 });
    const capture = join(tmp, 'c.pcapng');
    writeFileSync(
      capture,
      writePcapng(
        merge(
          tcpFrames(a, tcpSegments(a), 'ethernet'),
          tcpFrames(b, tcpSegments(b), 'ethernet'),
          udpFrames(st, 'ethernet'),
        ),
        'ethernet',
      ),
    );
    const html = join(tmp, 'report.html');
    const r = await inspect(['pcap', '--html', html, capture]);
    expect(lastLine(r.stdout)).toContain(`1 violations, `);
    expect(lastLine(r.stdout)).toContain(`report in ${html}`);
    const page = readFileSync(html, 'utf8');
    expect(page).not.toMatch(/<script|<link|src=/);
    const svgs = [...page.matchAll(/<svg[\s\S]*?<\/svg>/g)].map((m) => m[0]);
    expect(svgs).toHaveLength(3);
    for (const svg of svgs) expect(XMLValidator.validate(svg)).toBe(true);
    // One arrow per message, the violating one drawn in the violation style and linked to its row.
    expect(
      (svgs[0]!.match(/<line x1="\d+" y1="\d+" x2="\d+" y2="\d+" class="(msg|violation|damage)"/g) ?? []).length,
    ).toBe(17);
    expect(svgs[0]).toContain('class="violation" marker-end="url(#arrow-violation)"');
    expect(page).toMatch(/<li><a href="#s1m5">PQ-07<\/a>: &#39;c&#39; from the client answers data frame #1/);
    expect(page).toMatch(/<tr id="s1m5" class="violation">/);
    expect(page).toContain('<pre>00000000  0a 00 43 50 51 53 50 54 00 00                    ..CPQSPT..</pre>');
    expect(page).toContain('<p class="ok">No violations.</p>');
  });

  it('docs/sample-report.html is what the README command makes of docs/sample.pcapng', async () => {
    const docs = (name: string) => fileURLToPath(new URL(`../../docs/${name}`, import.meta.url));
    const html = join(tmp, 'sample.html');
    await inspect(['pcap', '--html', html, docs('sample.pcapng')]);
    const made = readFileSync(html, 'utf8').replaceAll(
      `portico-inspect: ${docs('sample.pcapng')}`,
      'portico-inspect: sample.pcapng',
    );
    expect(made).toBe(readFileSync(docs('sample-report.html'), 'utf8'));
  });
});
