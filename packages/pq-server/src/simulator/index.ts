// `@portico/pq-server/simulator`: the simulated instrument createPqServer uses by default (its `simulator` option),
// for a server built around it by hand or a backend that records PTU files the same kill-safe way.
export {
  DEFAULT_DETECTORS,
  type FaultInjection,
  type ResolvedSimulatorOptions,
  type SimulatorOptions,
} from './options.js';
export type { DetectorSpec } from './photons.js';
export {
  type PtuFinalTag,
  PtuRecorder,
  type PtuRecorderOptions,
  type PtuRecorderSummary,
} from './ptu-file.js';
export { SimulatorBackend } from './simulator.js';
