// SmartTE handshake rules (seed 000, SEED-TRACE ST-xx; smartte.md part B), checked against an observed session: the
// order this package's server machine keeps, stated as checks, so an observer (portico-inspect) can hold any session
// against the seed.
import type { PacketTypeName, SmartTeDatagram } from '@portico/smartte-codec';
import type { ExchangeEnd, ExchangeEvent, Violation } from '@portico/machine';
import { PACKET_SENDER } from './directions.js';

/** One observed SmartTE datagram of a session, with its UDP ports when seen. */
export interface SmartteEvent extends ExchangeEvent<SmartTeDatagram> {
  /** UDP ports of the datagram, when observed. */
  srcPort?: number;
  dstPort?: number;
}

/** ST-17: "The eight steps happen in this order: 1 request, 2 accept, 3 registration request, 4 registration accept,
 * 5 getDeviceConfig, 6 response, 7 setDeviceConfig, 8 espSetTime." (Portico names, smartte.md B.2.) */
export const HANDSHAKE_STEPS: readonly PacketTypeName[] = [
  'CONNECT_REQUEST',
  'CONNECT_ACCEPT',
  'REGISTER_REQUEST',
  'REGISTER_ACCEPT',
  'GET_DEVICE_CONFIG',
  'DEVICE_CONFIG',
  'SET_DEVICE_CONFIG',
  'SET_TIME',
];

/** Packets of the session proper, which come only after the eight steps (ST-16, B.5 "Steps 5–8 and after"). */
const AFTER_HANDSHAKE = new Set<PacketTypeName>(['HOST_MENU', 'HOST_SELECT', 'DATA', 'ECHO_REQUEST', 'ECHO_RESPONSE']);

const typeOf = (p: SmartTeDatagram): PacketTypeName => (p.type === 'SEALED' ? p.packetType : p.type);
const stepOf = (p: SmartTeDatagram): number => HANDSHAKE_STEPS.indexOf(typeOf(p)) + 1;

/**
 * Checks one session: the eight steps in order (ST-17), the server's steps 7 and 8 each waiting for the client's ack of
 * the step before ("strictly one step at a time", B.5), nothing of the session proper before step 8 (ST-16), the
 * Registration Request sent to the session port of the Connection Accept (ST-08), each packet from the side table B.2
 * allows.
 */
export function checkSmartteExchange(events: readonly SmartteEvent[], _end?: ExchangeEnd): Violation[] {
  const out: Violation[] = [];
  let reached = 0;
  let sessionPort: number | undefined;
  /** Sequence number of the server's last reliable handshake step, until the client acknowledges it. */
  let unackedStep: { seq: number; step: number } | undefined;
  for (const e of events) {
    const p = e.message;
    const type = typeOf(p);
    const sender = PACKET_SENDER[type];
    if (sender !== 'both' && sender !== e.from) {
      out.push({
        rule: 'smartte.md B.2',
        index: e.index,
        text: `${type} from the ${e.from}: only the ${sender} sends it`,
      });
      continue;
    }
    if (e.from === 'client' && p.ack !== undefined && unackedStep && ackCovers(p.ack, unackedStep.seq))
      unackedStep = undefined;
    const step = stepOf(p);
    if (step === 1) {
      // ST-01: a new Connection Request starts over ("start a new session, return to an existing session …").
      reached = 1;
      unackedStep = undefined;
      continue;
    }
    if (step > 0) {
      // B.5: the server "waits for DEVICE_CONFIG" before step 7: its arrival settles step 5.
      if (step === 6) unackedStep = undefined;
      if (step > reached + 1) {
        out.push({
          rule: 'ST-17',
          index: e.index,
          text: `step ${step} ${type} before step ${reached + 1} ${HANDSHAKE_STEPS[reached]}: "The eight steps happen in this order"`,
        });
        continue;
      }
      if (step === 2 && p.type === 'CONNECT_ACCEPT') sessionPort = p.port;
      if (step === 3 && sessionPort !== undefined && e.dstPort !== undefined && e.dstPort !== sessionPort) {
        out.push({
          rule: 'ST-08',
          index: e.index,
          text: `REGISTER_REQUEST sent to port ${e.dstPort}, not the session port ${sessionPort}: "The client will send a registration request to the server on the port dedicated to this session."`,
        });
      }
      if ((step === 7 || step === 8) && step > reached && unackedStep) {
        out.push({
          rule: 'ST-17',
          index: e.index,
          text: `step ${step} ${type} before the client acknowledged step ${unackedStep.step} (seq ${unackedStep.seq}): the server runs steps 5–8 "strictly one step at a time" (smartte.md B.5)`,
        });
      }
      if (step >= 5 && e.from === 'server' && step > reached) unackedStep = { seq: p.seq, step };
      reached = Math.max(reached, step);
      continue;
    }
    if (AFTER_HANDSHAKE.has(type) && reached < HANDSHAKE_STEPS.length) {
      out.push({
        rule: 'ST-16',
        index: e.index,
        text: `${type} before the handshake completed (step ${reached} of 8): the host screen comes "once the transactions above complete"`,
      });
    }
  }
  return out;
}

/** Whether a cumulative ack (16-bit, wrapping) covers `seq`: within half the sequence space at or after it. */
function ackCovers(ack: number, seq: number): boolean {
  return ((ack - seq) & 0xffff) < 0x8000;
}
