import { type BuildRequestInput, buildRequest } from '@portico/pq-codec';
import { VirtualClock } from '@portico/transport';
import type { RunningMeasurement, StartResult } from '../backend.js';
import { validateRequest } from '../session/validate.js';
import type { SimulatorOptions } from '../simulator/options.js';
import { SimulatorBackend } from '../simulator/simulator.js';
import { RecordingSink } from './sink.js';

/** Two slow detectors, so files stay small. */
export const SLOW_DETECTORS = [
  { rateCps: 2000, lifetimeNs: 2.5 },
  { rateCps: 1000, lifetimeNs: 4 },
];

/**
 * A SimulatorBackend on a VirtualClock writing into `workspace`, seeded and with a fixed wall clock; `start` validates
 * a request as the session does and starts it with a RecordingSink.
 */
export function simulatorHarness(workspace: string, options: SimulatorOptions = {}) {
  const clock = new VirtualClock();
  const backend = new SimulatorBackend({
    clock,
    workspace,
    detectors: SLOW_DETECTORS,
    seed: 7,
    wallClock: () => new Date(2014, 1, 4, 13, 28, 13),
    tickCount: () => 16_616_009,
    ...options,
  });
  const start = async (input: BuildRequestInput): Promise<{ result: StartResult; sink: RecordingSink }> => {
    const request = buildRequest(input);
    const v = validateRequest(request);
    if (!v.ok) throw new Error(v.reason);
    const sink = new RecordingSink();
    return { result: await backend.start(request, v.plan, sink), sink };
  };
  return { clock, backend, start };
}

/** The running measurement of a start that must have succeeded. */
export function measurement(r: StartResult): RunningMeasurement {
  if (!r.ok) throw new Error(`refused ${r.status}: ${r.reason}`);
  return r.measurement;
}
