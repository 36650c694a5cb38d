import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connectPq } from '@portico/pq-client';
import { decode } from '@portico/pq-codec';
import { readPtu } from '@portico/pq-codec/ptu';
import { describe, expect, it } from 'vitest';
import { pqMessages, recordingRelay } from './test-support/recording-relay.js';
import { adminRequest, startGateway, tempDir, writeConfig } from './test-support/spawn.js';

/** PQ without the simulator's pacing, frames every 50 ms, so a measurement takes a moment. */
const FAST_PQ = `
pq:
  pacing: { replyDelayMs: 0, minGapMs: 0, frameIntervalMs: 0 }
  backend: { kind: simulator, frameIntervalMs: 50, seed: 7 }
`;

async function fastGateway() {
  const dir = await tempDir();
  const config = await writeConfig(dir, 'gateway.yaml', FAST_PQ);
  return startGateway(['--config', config], dir);
}

describe('PQ through the gateway (spawned binary, the project pq-client)', () => {
  it('PQ-13 one may "inspect all raw data transferred during this handshake"; "the server request data of the current (last) request are decoded and shown": a session\'s detail has the last request decoded beside the exact bytes the client sent, and disconnect ends the session with its file valid', async () => {
    const gw = await fastGateway();
    // pq-client talks to the gateway through a relay that records every byte it sends.
    const relay = await recordingRelay(gw.pqPort);
    try {
      const client = await connectPq({ host: '127.0.0.1', port: relay.port, frameIntervalMs: 10_000 });
      const m = client.measure({
        pixelsX: 4,
        pixelsY: 2,
        timePerPixel: 0.5,
        filename: 'cut',
        comment: 'Server Dialog',
      });
      void m.done.catch(() => {});
      await m.accepted;
      type Current = {
        measurement: number;
        message: string;
        decoded: Record<string, unknown>;
        hex: string;
        bytes: number;
      };
      type Detail = {
        info: { currentRequest?: Current };
        timeline: { event: string; direction?: string; detail?: { wire?: string } }[];
      };
      const detail = async () => (await adminRequest(gw.admin, '/api/connections/pq-1')).body as Detail;
      await expect.poll(async () => (await detail()).info.currentRequest).toBeDefined();
      const { info, timeline } = await detail();
      const current = info.currentRequest!;
      expect(current).toMatchObject({
        measurement: 1,
        message: 'DataframeRequest',
        decoded: { pixelsX: 4, pixelsY: 2, fields: { timePerPixel: 0.5, filename: 'cut', comment: 'Server Dialog' } },
      });
      // The bytes shown are the bytes the client sent: its 'D' (message type 0x44 at offset 2), as recorded on the way.
      const sent = pqMessages(Buffer.concat(relay.sent[0] ?? []));
      const requests = sent.filter((b) => b[2] === 0x44);
      expect(requests).toHaveLength(1);
      expect(current.hex).toBe(requests[0]!.toString('hex'));
      expect(current.bytes).toBe(requests[0]!.length);
      expect(decode(new Uint8Array(requests[0]!))).toMatchObject({ pixelsX: 4, pixelsY: 2 });
      // Every message from the client is in the timeline with its raw bytes, in the order it was sent.
      const wire = timeline
        .filter((t) => t.direction === 'in' && t.detail?.wire !== undefined)
        .map((t) => t.detail!.wire);
      expect(wire).toEqual(sent.map((b) => b.toString('hex')));

      const r = await adminRequest(gw.admin, '/api/connections/pq-1/disconnect', {
        method: 'POST',
        headers: { authorization: `Bearer ${gw.token}` },
      });
      expect(r).toMatchObject({ status: 200, body: { disconnected: 'pq-1' } });
      await expect(m.done).rejects.toThrow();
      await expect.poll(async () => (await adminRequest(gw.admin, '/api/connections')).body).toEqual([]);
      const file = readPtu(new Uint8Array(await readFile(join(gw.dataDir, 'pq-workspace', 'cut.ptu'))));
      expect(file.summary.recordCountMismatch).toBe(false);
      await client.close().catch(() => {});
    } finally {
      await relay.close();
      expect(await gw.stop()).toBe(0);
    }
  });

  it('a measurement completes, the admin API shows the session with its counters and the measurement status', async () => {
    const gw = await fastGateway();
    try {
      const client = await connectPq({ host: '127.0.0.1', port: gw.pqPort, frameIntervalMs: 1000 });
      // connectPq resolves once the client has answered the greeting; the server takes that answer a moment later.
      await expect
        .poll(async () => ((await adminRequest(gw.admin, '/api/connections')).body as { state: string }[])[0]?.state)
        .toBe('ready');
      const list = (await adminRequest(gw.admin, '/api/connections')).body as { key: string; state: string }[];
      expect(list).toEqual([
        expect.objectContaining({
          protocol: 'pq',
          key: 'pq-1',
          state: 'ready',
          peer: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
        }),
      ]);
      const m = client.measure({ pixelsX: 8, pixelsY: 8, timePerPixel: 0.002, filename: 'scan', groupname: 'g' });
      let frames = 0;
      for await (const _ of m) frames++;
      const outcome = await m.done;
      expect(outcome).toMatchObject({
        end: 'completed',
        statusName: 'MEASUREMENT_READY',
        resultingFilename: 'scan.ptu',
      });

      const detail = (await adminRequest(gw.admin, '/api/connections/pq-1')).body as {
        counters: Record<string, number>;
        info: { lastRequest: Record<string, number> };
        timeline: { event: string }[];
      };
      expect(detail.counters).toMatchObject({ requests: 1, measurements: 1, frames });
      expect(detail.info.lastRequest).toMatchObject({ measurement: 1, pixelsX: 8, pixelsY: 8 });
      expect(detail.timeline.map((t) => t.event)).toEqual(
        expect.arrayContaining(['open', 'greeting', 'reply to greeting', 'request', 'started', 'frame', 'ended']),
      );
      const histogram = await adminRequest(gw.admin, '/api/pq/files/g%2Fscan.ptu/histogram');
      expect(histogram.status).toBe(200);
      expect(histogram.body).toMatchObject({ file: 'g/scan.ptu', resolutionS: expect.any(Number) });
      const { counts, photons } = histogram.body as { counts: number[]; photons: number };
      expect(photons).toBeGreaterThan(0);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(photons);
      expect((await adminRequest(gw.admin, '/api/pq/files/none.ptu/histogram')).status).toBe(404);
      const measurements = (await adminRequest(gw.admin, '/api/pq/measurements')).body;
      expect(measurements).toEqual([
        expect.objectContaining({ session: 'pq-1', measurement: 1, state: 'ended', outcome: 'complete', frames }),
      ]);
      const metrics = (await adminRequest(gw.admin, '/metrics')).text;
      expect(metrics).toContain('portico_handshakes_total{protocol="pq",result="completed"} 1');
      expect(metrics).toContain('portico_measurements_total{protocol="pq",outcome="complete"} 1');
      expect(metrics).toContain(`portico_frames_total{protocol="pq",direction="out"} ${frames}`);
      await client.close();

      const file = readPtu(new Uint8Array(await readFile(join(gw.dataDir, 'pq-workspace', 'g', 'scan.ptu'))));
      expect(file.summary.recordCountMismatch).toBe(false);
      expect(file.summary.records).toBeGreaterThan(0);
    } finally {
      expect(await gw.stop()).toBe(0);
    }
  });

  it('SIGTERM during a measurement drains: the PTU file is closed valid and the process exits 0', async () => {
    const gw = await fastGateway();
    const client = await connectPq({ host: '127.0.0.1', port: gw.pqPort, frameIntervalMs: 1000 });
    // A point measurement (no pixels) runs until stopped (pq-server README, "The simulator backend").
    const m = client.measure({ filename: 'point' });
    void m.done.catch(() => {});
    let frames = 0;
    const iterating = (async () => {
      try {
        for await (const _ of m) if (++frames === 3) gw.proc.kill('SIGTERM');
      } catch {
        // The server ends the connection as it drains.
      }
    })();
    expect(await gw.exited).toBe(0);
    await iterating;
    await client.close().catch(() => {});
    expect(frames).toBeGreaterThanOrEqual(3);
    expect(gw.lines.map((l) => l.msg)).toEqual(
      expect.arrayContaining(['SIGTERM: draining (no new sessions; running ones end cleanly)', 'drained, exiting']),
    );
    const file = readPtu(new Uint8Array(await readFile(join(gw.dataDir, 'pq-workspace', 'point.ptu'))));
    expect(file.summary).toMatchObject({ recordCountMismatch: false, trailingBytes: 0 });
    expect(file.summary.expectedRecords).toBe(BigInt(file.summary.records));
    expect(file.summary.photons).toBeGreaterThan(0);
  });

  it('SIGHUP reloads: the log level applies at once, a role option change is reported as needing a restart, a bad file is refused', async () => {
    const dir = await tempDir();
    const config = await writeConfig(dir, 'gateway.yaml', FAST_PQ);
    const gw = await startGateway(['--config', config], dir);
    try {
      await writeConfig(dir, 'gateway.yaml', `${FAST_PQ}log: { level: debug }\nlrsn: { maxClients: 50 }\n`);
      gw.proc.kill('SIGHUP');
      const line = await gw.waitFor((l) => l.msg.startsWith('reload:'));
      expect(line).toMatchObject({ applied: ['log.level'], needsRestart: ['lrsn.maxClients'] });
      expect(line.msg).toBe('reload: applied log.level; needs a restart to take effect: lrsn.maxClients');
      await writeConfig(dir, 'gateway.yaml', 'lrsn: { maxClients: -1 }\n');
      gw.proc.kill('SIGHUP');
      const refused = await gw.waitFor((l) => l.msg.startsWith('reload refused'));
      expect(refused['issues']).toEqual([{ path: 'lrsn.maxClients', message: expect.any(String) }]);
      expect((await adminRequest(gw.admin, '/api/ready')).status).toBe(200);
    } finally {
      expect(await gw.stop('SIGINT')).toBe(0);
    }
  });
});
