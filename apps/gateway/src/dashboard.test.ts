import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { connectPq } from '@portico/pq-client';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminRequest, type Running, startGateway } from './test-support/spawn.js';

/** Debian's Chromium (`.ci/run` installs the `chromium` package); playwright-core downloads no browser. */
const CHROMIUM = '/usr/bin/chromium';
/** Screenshots for CI to keep (issue 15 §4). */
const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));

describe('dashboard in headless Chromium', () => {
  let gw: Running;
  let browser: Browser;
  beforeAll(async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} missing: apt-get install -y chromium`).toBe(true);
    gw = await startGateway();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox'] });
    await mkdir(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await gw?.stop();
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
    const button = page.locator('#connections tbody button.session');
    for (let i = 0; i < 20 && !(await button.evaluate((b) => b === document.activeElement)); i++) {
      await page.keyboard.press('Tab');
    }
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
    expect(errors).toEqual([]);
  });
});
