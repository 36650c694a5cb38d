// A child process for the kill -9 test (issue 12 item 7): the simulator backend, exactly as the server runs it,
// measuring one point measurement at a high photon rate into `<workspace>/killed.ptu` until it is killed.
// Arguments: <workspace> <counts per second per detector>. Prints "started" once the file exists.
import { buildRequest, MeasurementType } from '@portico/pq-codec';
import { validateRequest } from '../session/validate.js';
import { SimulatorBackend } from '../simulator/simulator.js';

const [workspace, rate] = process.argv.slice(2);
const rateCps = Number(rate);
const backend = new SimulatorBackend({
  ...(workspace === undefined ? {} : { workspace }),
  detectors: [
    { rateCps, lifetimeNs: 2.5 },
    { rateCps, lifetimeNs: 4 },
  ],
  frameIntervalMs: 250,
  seed: 1,
});
const request = buildRequest({ measurementType: MeasurementType.POINTMEAS, filename: 'killed' });
const v = validateRequest(request);
if (!v.ok) throw new Error(v.reason);
const result = await backend.start(request, v.plan, { frame: () => {}, end: () => {} });
process.stdout.write(result.ok ? 'started\n' : `refused ${result.status} ${result.reason}\n`);
