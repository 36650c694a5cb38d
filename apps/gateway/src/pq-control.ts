import { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { microtimeHistogram, readPtu } from '@portico/pq-codec/ptu';
import { connectPq, isPqClientError, type PqClient, type PqMeasurement } from '@portico/pq-client';
import { z } from 'zod';

/** What the admin API may ask for (the simulator's request fields, pq.md §3.1); anything else is refused. */
export const controlRequestSchema = z.strictObject({
  measurementType: z.number().int().min(0).max(255).optional(),
  pixelsX: z.number().int().min(1).max(65536).optional(),
  pixelsY: z.number().int().min(1).max(65536).optional(),
  timePerPixel: z.number().positive().max(3600).optional(),
  filename: z.string().min(1).max(255).optional(),
  groupname: z.string().min(1).max(63).optional(),
});

export type FeedbackValues = Record<string, number | string>;

export interface ControlledMeasurement {
  id: number;
  state: 'starting' | 'running' | 'completed' | 'stopped' | 'failed';
  request: z.infer<typeof controlRequestSchema>;
  frames: number;
  /** The last frame's feedback values (cps1, det1 …, pq.md §3.3). */
  feedback: FeedbackValues;
  resultingFilename?: string;
  resultingGroupname?: string;
  error?: { code: string; status?: number; message: string };
}

/** A PTU file's micro-time histogram for the dashboard's chart (issue 15 §4). */
export interface PtuHistogram {
  file: string;
  /** MeasDesc_Resolution [s]: the width of one bin. */
  resolutionS: number | undefined;
  photons: number;
  /** Counts per dtime bin, up to the last bin with a count. */
  counts: number[];
}

export class ControlError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface PqControlEvents {
  /** One data frame's feedback values, for the dashboard's live chart. */
  feedback: [id: number, at: number, values: FeedbackValues];
}

/**
 * Simulator measurements started from the admin API (issue 15 §3): the gateway is a PQ client of its own PQ server,
 * through the project's pq-client, so the request takes the same path and handshakes as any client's. SymPhoTime
 * serves one client at a time, so while another client holds the server this is refused (SERVER_BUSY).
 */
export class PqControl extends EventEmitter<PqControlEvents> {
  private readonly runs = new Map<number, { view: ControlledMeasurement; client: PqClient; m: PqMeasurement }>();
  private readonly done: ControlledMeasurement[] = [];
  private nextId = 1;

  constructor(
    private readonly target: { host: string; port: number; frameIntervalMs: number },
    private readonly workspace: string | undefined,
  ) {
    super();
  }

  list(): ControlledMeasurement[] {
    return [...this.done, ...[...this.runs.values()].map((r) => r.view)];
  }

  async start(input: unknown): Promise<ControlledMeasurement> {
    const parsed = controlRequestSchema.safeParse(input);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw new ControlError(400, 'ADMIN_BAD_REQUEST', `${first?.path.join('.') || 'body'}: ${first?.message}`);
    }
    const request = parsed.data;
    let client: PqClient;
    try {
      client = await connectPq({
        host: this.target.host,
        port: this.target.port,
        // Only the client's silence watchdog reads this (3 intervals): never tighter than the vendor's 1250 ms, so a
        // fast simulator on a loaded machine does not abort its own measurement over one late frame.
        frameIntervalMs: Math.max(this.target.frameIntervalMs, 1250),
      });
    } catch (e) {
      if (isPqClientError(e, 'PQ_CLIENT_SERVER_BUSY')) {
        throw new ControlError(409, 'ADMIN_PQ_BUSY', 'another client holds the PQ server (one client at a time)');
      }
      throw e;
    }
    const view: ControlledMeasurement = { id: this.nextId++, state: 'starting', request, frames: 0, feedback: {} };
    const m = client.measure(Object.fromEntries(Object.entries(request).filter(([, v]) => v !== undefined)));
    try {
      await m.accepted;
    } catch (e) {
      void m.done.catch(() => {});
      await client.close().catch(() => {});
      if (isPqClientError(e, 'PQ_CLIENT_REJECTED')) {
        throw new ControlError(409, 'ADMIN_PQ_REJECTED', `the server refused the request: ${e.message}`);
      }
      throw e;
    }
    view.state = 'running';
    this.runs.set(view.id, { view, client, m });
    void this.follow(view, client, m);
    return view;
  }

  /** USER_BREAK (PQ-10); false when no such measurement runs. */
  async stop(id: number): Promise<boolean> {
    const r = this.runs.get(id);
    if (!r) return false;
    try {
      await r.m.stop();
    } catch (e) {
      // It ended on its own meanwhile (completed, or failed): a conflict, not a server fault.
      if (isPqClientError(e))
        throw new ControlError(409, 'ADMIN_PQ_NOT_RUNNING', `measurement ${id} already ended: ${e.message}`);
      throw e;
    }
    return true;
  }

  /** A PTU file of the workspace, never a path outside it. */
  async file(path: string): Promise<Buffer | undefined> {
    if (this.workspace === undefined || !path.toLowerCase().endsWith('.ptu')) return undefined;
    const file = resolve(this.workspace, path);
    const rel = relative(this.workspace, file);
    if (rel.startsWith('..') || isAbsolute(rel)) return undefined;
    return readFile(file).catch(() => undefined);
  }

  /** The micro-time histogram of a T3 PTU file of the workspace (pq-codec's reader and `microtimeHistogram`). */
  async histogram(path: string): Promise<PtuHistogram | undefined> {
    const bytes = await this.file(path);
    if (!bytes) return undefined;
    let ptu: ReturnType<typeof readPtu>;
    try {
      ptu = readPtu(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length));
    } catch (e) {
      throw new ControlError(422, 'ADMIN_BAD_PTU', `${path} is not a readable PTU file: ${String(e)}`);
    }
    if (ptu.events.mode !== 'T3') return undefined;
    const h = microtimeHistogram(ptu.events, { bins: ptu.header.record.layout === 'PicoHarp' ? 4096 : 32768 });
    let last = h.length - 1;
    while (last >= 0 && h[last] === 0) last--;
    const counts = Array.from(h.subarray(0, last + 1));
    return {
      file: path,
      resolutionS: ptu.header.resolution,
      photons: counts.reduce((a, b) => a + b, 0),
      counts,
    };
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.runs.values()].map((r) => r.client.close()));
  }

  private async follow(view: ControlledMeasurement, client: PqClient, m: PqMeasurement): Promise<void> {
    try {
      for await (const frame of m) {
        view.frames++;
        const values: FeedbackValues = {};
        for (const r of frame.records) {
          // Scalar feedback only (cps1, det1 …); arrays are left out of the chart.
          if ('value' in r && (typeof r.value === 'number' || typeof r.value === 'string')) values[r.name] = r.value;
        }
        view.feedback = values;
        this.emit('feedback', view.id, Date.now(), values);
      }
      const outcome = await m.done;
      view.state = outcome.end;
      if (outcome.resultingFilename !== undefined) view.resultingFilename = outcome.resultingFilename;
      if (outcome.resultingGroupname !== undefined) view.resultingGroupname = outcome.resultingGroupname;
    } catch (e) {
      view.state = 'failed';
      view.error = {
        code: isPqClientError(e) ? e.code : 'ADMIN_PQ_FAILED',
        ...(isPqClientError(e) && e.status !== undefined ? { status: e.status } : {}),
        message: String(e),
      };
    } finally {
      this.runs.delete(view.id);
      this.done.push(view);
      if (this.done.length > 100) this.done.shift();
      await client.close().catch(() => {});
    }
  }
}
