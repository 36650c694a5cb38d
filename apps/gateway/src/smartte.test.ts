import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminRequest,
  smartteDevice,
  type Running,
  runOnce,
  startGateway,
  tempDir,
  writeConfig,
} from './test-support/spawn.js';
import { type IdleHost, idleTelnetHost } from './test-support/idle-host.js';

/** A session port range of its own, away from the default 5000–5999 and from other test files' ports. */
const first = 42_000 + Math.floor(Math.random() * 200) * 10;
const SESSION_PORTS = `${first}-${first + 9}`;
const SESSION_PORTS_SEALED = `${first + 10}-${first + 19}`;

/** One telnet host, preferred: the session stays listed after step 8 (ST-16) instead of ending with eSP0008. */
const config = (hostPort: number, level = 0): string => `smartte:
  hostGroups:
    - name: default
      hosts: [{ id: 1, name: wms, host: 127.0.0.1, port: ${hostPort} }]
      preferredHost: 1
  defaultGroup:
    rules: { keyboardTimeoutS: 30, encryptionLevel: ${level} }
`;

describe('SmartTE through the gateway (spawned binary, @portico/smartte-server)', () => {
  let gw: Running;
  let smarttePort: number;
  let host: IdleHost;
  beforeAll(async () => {
    const dir = await tempDir();
    host = await idleTelnetHost();
    const file = await writeConfig(dir, 'gateway.yaml', config(host.port));
    gw = await startGateway(['--config', file, '--smartte-session-ports', SESSION_PORTS], dir);
    const line = gw.lines.find((l) => l['protocol'] === 'smartte' && typeof l['port'] === 'number');
    smarttePort = (line?.['port'] as number | undefined) ?? -1;
  });
  afterAll(async () => {
    await gw?.stop();
    await host?.close();
  });

  it('ST-17 "The eight steps happen in this order: 1 request, 2 accept, 3 registration request, 4 registration accept, 5 getDeviceConfig, 6 response, 7 setDeviceConfig, 8 espSetTime.": smartte-client completes them against the gateway, and ST-02 "the session can appear in the connections list."', async () => {
    expect(smarttePort).toBeGreaterThan(0);
    const client = await smartteDevice(smarttePort, 'GW-DEVICE-1');
    try {
      await expect
        .poll(async () => (await adminRequest(gw.admin, '/api/connections')).body, { timeout: 10_000 })
        .toEqual([
          expect.objectContaining({
            key: 'smartte-GW-DEVICE-1.0',
            protocol: 'smartte',
            peer: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
            since: expect.any(String),
            counters: expect.any(Object),
            state: expect.stringMatching(/^(ready|host)$/),
          }),
        ]);
      const metrics = await adminRequest(gw.admin, '/metrics');
      expect(metrics.text).toMatch(/handshakes[^\n]*protocol="smartte"[^\n]*result="completed"[^\n]* 1/);

      // The timeline (the dashboard's sequence diagram) has the eight steps in order, each with its direction.
      const timeline = (
        (await adminRequest(gw.admin, '/api/connections/smartte-GW-DEVICE-1.0')).body as {
          timeline: { event: string; direction?: string }[];
        }
      ).timeline.filter((t) => /^step \d:/.test(t.event));
      expect(timeline.map((t) => `${t.event.slice(5, 6)}${t.direction === 'in' ? '→' : '←'}`)).toEqual([
        '1→',
        '2←',
        '3→',
        '4←',
        '5←',
        '6→',
        '7←',
        '8←',
      ]);

      // A DATA payload is what the user typed: redacted unless a token holder asks with ?reveal.
      client.send(new TextEncoder().encode('PIN 1234'));
      const path = '/api/connections/smartte-GW-DEVICE-1.0';
      const data = (body: unknown) =>
        (body as { timeline: { event: string; detail?: Record<string, unknown> }[] }).timeline.find(
          (t) => t.event === 'data',
        )?.detail;
      await expect.poll(async () => data((await adminRequest(gw.admin, path)).body)).toBeDefined();
      const plain = await adminRequest(gw.admin, path);
      expect(data(plain.body)).toEqual({ bytes: 8, payloadHex: '[redacted]' });
      expect((await adminRequest(gw.admin, `${path}?reveal`)).status).toBe(401);
      const auth = { authorization: `Bearer ${gw.token}` };
      const revealed = await adminRequest(gw.admin, `${path}?reveal`, { headers: auth });
      expect(data(revealed.body)).toEqual({ bytes: 8, payloadHex: Buffer.from('PIN 1234').toString('hex') });

      // Disconnect over HTTP: the device is told (DISCONNECT), the session leaves the list.
      const told = new Promise((resolve) => client.binding.once('disconnected', resolve));
      const r = await adminRequest(gw.admin, `${path}/disconnect`, { method: 'POST', headers: auth });
      expect(r).toMatchObject({ status: 200, body: { disconnected: 'smartte-GW-DEVICE-1.0' } });
      await told;
    } finally {
      await client.close();
    }
    await expect
      .poll(async () => (await adminRequest(gw.admin, '/api/connections')).body, { timeout: 10_000 })
      .toEqual([]);
  });
});

describe('SmartTE configuration the server does not support yet', () => {
  it('ST-14 "setDeviceConfig rules: … encryption level …": levels 1 and 2 pass the config check, and a device completes the eight steps sealed (B.6) through the gateway, pinned to the key of `smartte.serverKeyFile`; a licence device limit is still refused by path, exit 2', async () => {
    const dir = await tempDir();
    const host = await idleTelnetHost();
    // B.6 pinning: the server's long-term key from a file (the B.8 worked example's server key), pinned by the device.
    const keyFile = join(dir, 'smartte-server.key');
    await writeFile(keyFile, `${Buffer.from(Uint8Array.from({ length: 32 }, (_, i) => 0x21 + i)).toString('hex')}\n`);
    const pin = createHash('sha256')
      .update(Buffer.from('5869aff450549732cbaaed5e5df9b30a6da31cb0e5742bad5ad4a1a768f1a67b', 'hex'))
      .digest();
    const levels = await writeConfig(
      dir,
      'enc.yaml',
      `${config(host.port, 2)}  serverKeyFile: ${keyFile}
  deviceGroups: [{ name: scanners, deviceTypes: [MC33], rules: { encryptionLevel: 1 } }]
`,
    );
    const checked = await runOnce(['check-config', levels]);
    expect(checked.stderr).toBe('');
    expect(checked.code).toBe(0);

    const sealed = await startGateway(['--config', levels, '--smartte-session-ports', SESSION_PORTS_SEALED], dir);
    try {
      const line = sealed.lines.find((l) => l['protocol'] === 'smartte' && typeof l['port'] === 'number');
      expect(sealed.lines.find((l) => l['msg'] === 'SmartTE server key')).toMatchObject({
        serverKeySha256: pin.toString('hex'),
        fromFile: true,
      });
      const client = await smartteDevice(line?.['port'] as number, 'GW-SEALED-1', { serverKeyFingerprint: pin });
      try {
        await expect
          .poll(async () => (await adminRequest(sealed.admin, '/api/connections')).body, { timeout: 10_000 })
          .toEqual([
            expect.objectContaining({ key: 'smartte-GW-SEALED-1.0', state: expect.stringMatching(/^(ready|host)$/) }),
          ]);
      } finally {
        await client.close();
      }
    } finally {
      await sealed.stop();
      await host.close();
    }

    const limit = await writeConfig(dir, 'limit.yaml', 'smartte:\n  licence: { devices: 5 }\n');
    const r = await runOnce(['check-config', limit]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'smartte.licence.devices: a device limit is not supported by @portico/smartte-server yet',
    );
  });
});
