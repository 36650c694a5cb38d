import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { connectPq } from '@portico/pq-client';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminRequest, smartteDevice, type Running, startGateway, tempDir, writeConfig } from './test-support/spawn.js';
import { type IdleHost, idleTelnetHost } from './test-support/idle-host.js';

/** Debian's Chromium (`.ci/run` installs the `chromium` package); playwright-core downloads no browser. */
const CHROMIUM = '/usr/bin/chromium';
/** Screenshots for CI to keep (issue 15 §4). */
const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));

/** A SmartTE session port range of its own; a preferred telnet host so a device's session stays open (ST-16). */
const first = 44_000 + Math.floor(Math.random() * 200) * 10;
const config = (hostPort: number): string => `smartte:
  sessionPorts: { first: ${first}, last: ${first + 9} }
  hostGroups:
    - name: default
      hosts: [{ id: 1, name: wms, host: 127.0.0.1, port: ${hostPort} }]
      preferredHost: 1
`;

/** Presses Tab until `selector` has the focus (bounded), as a keyboard user would. */
async function tabTo(page: import('playwright-core').Page, selector: string): Promise<void> {
  const target = page.locator(selector).first();
  for (let i = 0; i < 40 && !(await target.evaluate((b) => b === document.activeElement)); i++) {
    await page.keyboard.press('Tab');
  }
  expect(await target.evaluate((b) => b === document.activeElement)).toBe(true);
}

describe('dashboard in headless Chromium', () => {
  let gw: Running;
  let browser: Browser;
  let host: IdleHost;
  beforeAll(async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} missing: apt-get install -y chromium`).toBe(true);
    const dir = await tempDir();
    host = await idleTelnetHost();
    gw = await startGateway(['--config', await writeConfig(dir, 'gateway.yaml', config(host.port))], dir);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox'] });
    await mkdir(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await gw?.stop();
    await host?.close();
  });

  it('shows the protocols, a PQ session appearing live, its timeline by keyboard, and saves a screenshot', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => (m.type() === 'error' ? errors.push(m.text()) : undefined));
    await page.goto(gw.admin);
    await expect.poll(() => page.textContent('#status')).toBe('live');
    await expect.poll(() => page.textContent('#protocols')).toMatch(/lrsn: tcp:\/\/127\.0\.0\.1:\d+/);
    expect(await page.textContent('#protocols')).toMatch(/smartte: udp:\/\/127\.0\.0\.1:\d+/);
    expect(await page.textContent('#protocols')).toContain(`pq: tcp://127.0.0.1:${gw.pqPort}`);
    expect(await page.isVisible('#empty')).toBe(true);
    expect(await page.locator('#chart canvas').count()).toBeGreaterThan(0);

    // A real client connects: the row appears through the event stream, without reloading the page.
    const client = await connectPq({ host: '127.0.0.1', port: gw.pqPort });
    await expect.poll(() => page.locator('#connections tbody tr').count()).toBe(1);
    await expect.poll(() => page.textContent('#connections tbody tr')).toContain('ready');

    // Keyboard only: Tab to the session's button, Enter opens its timeline.
    await tabTo(page, '#connections tbody button.session');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#sequence li').count()).toBeGreaterThanOrEqual(3);
    expect(await page.locator('#sequence li.from-server').first().textContent()).toContain('greeting');
    expect(await page.locator('#sequence li.from-client').first().textContent()).toContain('reply to greeting');
    await page.screenshot({ path: `${ARTIFACTS}dashboard.png`, fullPage: true });

    await client.close();
    await expect.poll(() => page.locator('#connections tbody tr').count()).toBe(0);

    // A measurement started through the admin API: its count rates are drawn live.
    const started = await adminRequest(gw.admin, '/api/pq/control', {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.token}` },
      body: JSON.stringify({ filename: 'dash' }),
    });
    expect(started.status).toBe(202);
    await expect.poll(() => page.textContent('#feedback-hint'), { timeout: 30_000 }).toBe('measurement 1');
    await expect.poll(() => page.locator('#feedback .u-legend').textContent()).toContain('cps1');
    await page.waitForTimeout(1500);
    await page.screenshot({ path: `${ARTIFACTS}dashboard-feedback.png`, fullPage: true });

    // Its PTU file's micro-time histogram, chosen with the keyboard once the measurement is stopped.
    const auth = { authorization: `Bearer ${gw.token}` };
    expect((await adminRequest(gw.admin, '/api/pq/control/1/stop', { method: 'POST', headers: auth })).status).toBe(
      200,
    );
    await expect
      .poll(async () => ((await adminRequest(gw.admin, '/api/pq/control')).body as { state: string }[])[0]?.state, {
        timeout: 30_000,
      })
      .toBe('stopped');
    await tabTo(page, '#ptu-file');
    await page.keyboard.type('dash.ptu');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.textContent('#histogram-hint')).toMatch(/^dash\.ptu: [1-9]\d* photons/);
    expect(await page.locator('#histogram canvas').count()).toBeGreaterThan(0);
    await page.locator('#histogram-title').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${ARTIFACTS}dashboard-histogram.png`, fullPage: true });
    expect(errors).toEqual([]);
  });

  it('sees a live SmartTE session appear, draws its handshake as a sequence diagram, and lists a page sent over HTTP', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(gw.admin);
    await expect.poll(() => page.textContent('#status')).toBe('live');
    const smartte = gw.lines.find((l) => l['protocol'] === 'smartte' && typeof l['port'] === 'number');
    const client = await smartteDevice(smartte?.['port'] as number, 'DASH-1');
    try {
      const row = page.locator('#connections tbody tr[data-key="smartte-DASH-1.0"]');
      await expect.poll(() => row.count()).toBe(1);
      await expect.poll(() => row.textContent()).toMatch(/smartte.*(ready|host)/);
      await tabTo(page, '#connections tbody button.session');
      await page.keyboard.press('Enter');
      // The diagram: both lifelines, an arrow per message, the steps of the handshake among the labels.
      await expect.poll(() => page.locator('#diagram line.message').count()).toBeGreaterThanOrEqual(1);
      expect(await page.locator('#diagram line.lifeline').count()).toBe(2);
      expect(await page.locator('#diagram').textContent()).toContain('step');

      const sent = await adminRequest(gw.admin, '/api/lrsn/pages', {
        method: 'POST',
        headers: { authorization: `Bearer ${gw.token}` },
        body: JSON.stringify({ pager: '2;105', message: 'Table 12 ready', id: 'dash' }),
      });
      expect(sent.status).toBe(200);
      await expect
        .poll(() => page.locator('#pages tbody tr').first().textContent())
        .toMatch(/admin.*2;105.*dash.*Table 12 ready.*sent: accepted → sent/);
      await page.screenshot({ path: `${ARTIFACTS}dashboard-smartte.png`, fullPage: true });
    } finally {
      await client.close();
    }
    expect(errors).toEqual([]);
  });
});
