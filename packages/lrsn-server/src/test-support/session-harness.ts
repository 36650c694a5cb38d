import { encode, type LrsnGreeting, type LrsnMessage } from '@portico/lrsn-codec';
import { MachineHarness } from '@portico/machine/testing';
import type { SessionCommand, SessionEvent } from '../session/events.js';
import type { SessionOptions } from '../session/options.js';
import { LrsnServerSession } from '../session/session.js';

export const GREETING: LrsnGreeting = {
  type: 'LRSN',
  services: [
    { name: 'NetPage', version: '2.0' },
    { name: 'Heartbeat', version: '1.0' },
    { name: 'TableMan', version: '1.0' },
    { name: 'KeyCallTX', version: '1.0' },
    { name: 'LrsRX', version: '1.0' },
    { name: 'PocsagRX', version: '1.0' },
  ],
  device: 'T7470',
  swver: '8.3.0.13',
  serno: '20384',
  login: 'none',
};

export function sessionOptions(overrides: Partial<SessionOptions> = {}): SessionOptions {
  return {
    greeting: GREETING,
    loginTimeoutMs: 30_000,
    maxPagesInFlight: 4,
    maxEarlyMessages: 2,
    maxLineBytes: 16 * 1024,
    ...overrides,
  };
}

export type SessionHarness = MachineHarness<string, LrsnMessage, SessionEvent, SessionCommand>;

export function harness(overrides: Partial<SessionOptions> = {}): SessionHarness {
  return new MachineHarness<string, LrsnMessage, SessionEvent, SessionCommand>(
    new LrsnServerSession(sessionOptions(overrides)),
  );
}

/** The lines a harness sent since the last take, as the client would read them (without `\n`). */
export function lines(h: SessionHarness): string[] {
  return h.sent().map((m) => encode(m).trimEnd());
}

/** Opens the session and logs in with login="none" and the given services attribute (undefined = omit it). */
export function loggedIn(services: string | undefined = 'NetPage;Heartbeat', overrides: Partial<SessionOptions> = {}) {
  const h = harness(overrides);
  h.input({ type: 'open' });
  h.receive(services === undefined ? '<Login/>' : `<Login services="${services}"/>`);
  h.input({ type: 'verdict', ret: 0 });
  h.take();
  return h;
}
