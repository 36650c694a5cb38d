import { MachineHarness } from '@portico/machine/testing';
import { buildRequest, type DataframeRequest, type PqMessage } from '@portico/pq-codec';
import type { ClientCommand, ClientEvent, ClientMachineOptions } from '../machine/actions.js';
import { PqClientMachine } from '../machine/client-machine.js';

/** The runtime's virtual-clock harness around a PqClientMachine, with the client's commands as chainable calls. */
export class ClientHarness extends MachineHarness<PqMessage, PqMessage, ClientEvent, ClientCommand> {
  declare readonly machine: PqClientMachine;

  constructor(options: Partial<ClientMachineOptions> = {}) {
    super(new PqClientMachine(options));
  }

  start(): this {
    return this.input({ type: 'start' });
  }

  measure(id: number, request: DataframeRequest = buildRequest({ measurementType: 0x80 })): this {
    return this.input({ type: 'measure', id, request });
  }

  stop(id: number): this {
    return this.input({ type: 'stop', id });
  }

  close(): this {
    return this.input({ type: 'close' });
  }
}
