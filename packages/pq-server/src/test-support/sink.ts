import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OptionalRecord } from '@portico/pq-codec';
import type { MeasurementEnd, MeasurementSink } from '../backend.js';

/** Collects what a backend reports; `ended` resolves with the outcome. */
export class RecordingSink implements MeasurementSink {
  readonly frames: OptionalRecord[][] = [];
  outcome: MeasurementEnd | undefined;
  readonly ended: Promise<MeasurementEnd>;
  private resolve!: (o: MeasurementEnd) => void;

  constructor() {
    this.ended = new Promise((r) => {
      this.resolve = r;
    });
  }

  frame(records: OptionalRecord[]): void {
    this.frames.push(records);
  }

  end(outcome: MeasurementEnd): void {
    if (this.outcome !== undefined) throw new Error('end called twice');
    this.outcome = outcome;
    this.resolve(outcome);
  }

  names(frame: number): string[] {
    return (this.frames[frame] ?? []).map((r) => r.name);
  }

  value(frame: number, name: string): unknown {
    const r = this.frames[frame]?.find((x) => x.name === name);
    return r && 'value' in r ? r.value : undefined;
  }
}

/** A fresh workspace under os.tmpdir(); `remove()` deletes it. */
export async function tempWorkspace(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'pq-server-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
