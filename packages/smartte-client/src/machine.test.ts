import { MachineHarness } from '@portico/machine/testing';
import { decode, encode, type Packet, parseDeviceInfo } from '@portico/smartte-codec';
import { SmartTeLink } from '@portico/smartte-link';
import { describe, expect, it } from 'vitest';
import { SmartTeClientMachine, type SmartTeClientMachineOptions } from './machine.js';

const NONCE = new Uint8Array([9, 8, 7, 6, 5, 4, 3, 2]);
const TOKEN = 0xabcd;

function setup(options: Partial<SmartTeClientMachineOptions> = {}) {
  const machine = new SmartTeClientMachine({
    uid: 'DEV-1',
    deviceType: 'CT60',
    clientVersion: '2.1',
    serverPort: 3006,
    nonce: () => NONCE,
    deviceInfo: { cols: 20, rows: 16, kbd: true, voice: false },
    wallClock: () => 1_000,
    ...options,
  });
  const h = new MachineHarness(machine);
  const statuses = () => h.emitted('status').map((e) => e.text);
  const packets = () => h.sent().map((d) => ({ port: d.port, packet: decode(d.data) as Packet }));
  return { machine, h, statuses, packets };
}

const accept = (port = 5007) =>
  encode({ type: 'CONNECT_ACCEPT', seq: 0, token: TOKEN, port, clientNonce: NONCE, resumed: false });

function connected(options: Partial<SmartTeClientMachineOptions> = {}) {
  const s = setup(options);
  s.h
    .input({ type: 'connect' })
    .receive(accept())
    .receive(encode({ type: 'REGISTER_ACCEPT', seq: 0, token: TOKEN }));
  s.h.take();
  const server = new SmartTeLink({ role: 'server', token: TOKEN });
  /** Server-side link sends a packet; the datagrams it produces go to the client; the client's go back. */
  const fromServer = (packet: Parameters<typeof server.handle>[0]) => {
    for (const a of server.handle(packet, s.h.now)) if (a.type === 'send') s.h.receive(a.message);
  };
  return { ...s, server, fromServer };
}

describe('SmartTeClientMachine handshake', () => {
  it('ST-03 sending the Connection Request prompts the client "to display the message \'Connecting...\'"', () => {
    const { h, statuses, packets } = setup();
    h.input({ type: 'connect' });
    expect(statuses()).toEqual(['Connecting...']);
    expect(packets()).toMatchObject([
      { port: 3006, packet: { type: 'CONNECT_REQUEST', uid: 'DEV-1', deviceType: 'CT60' } },
    ]);
  });

  it('ST-01 the Connection Request "is required to start a new session": retried every 1 s up to 5 times', () => {
    const { h } = setup();
    h.input({ type: 'connect' }).advance(10_000);
    expect(h.allSent().filter((d) => decode(d.data).type === 'CONNECT_REQUEST')).toHaveLength(5);
  });

  it('ST-05 "The client will report the message \'Register Port\' with the port number" and ST-08 registers on it', () => {
    const { h, statuses, packets } = setup();
    h.input({ type: 'connect' });
    packets();
    h.receive(accept(5007));
    expect(statuses()).toEqual(['Connecting...', 'Register Port 5007']);
    expect(packets()).toMatchObject([{ port: 5007, packet: { type: 'REGISTER_REQUEST', token: TOKEN } }]);
  });

  it('ST-07 "If the fixed port range does not have enough ports … \'Err:Host Timeout!\'" (reject reason 1)', () => {
    const { h, statuses } = setup();
    h.input({ type: 'connect' }).receive(
      encode({ type: 'CONNECT_REJECT', seq: 0, token: 0, reason: 1, text: 'Err:Host Timeout!' }),
    );
    expect(statuses().at(-1)).toBe('Err:Host Timeout!');
    expect(h.closes()).toHaveLength(1);
  });

  it('ST-07 "or this packet is unable to reach the client it will report a message of \'Err:Host Timeout!\'"', () => {
    const { h, statuses } = setup();
    h.input({ type: 'connect' }).advance(4_999);
    expect(statuses()).toEqual(['Connecting...']);
    h.advance(1);
    expect(statuses()).toEqual(['Connecting...', 'Err:Host Timeout!']);
    const r = setup();
    r.h.input({ type: 'connect' }).receive(accept()).advance(5_000);
    expect(r.statuses()).toEqual(['Connecting...', 'Register Port 5007', 'Err:Host Timeout!']);
  });

  it('ST-10 Registration Accept: "causing the client to display the message \'Connected\'"', () => {
    const { statuses } = connected();
    expect(statuses()).toEqual(['Connecting...', 'Register Port 5007', 'Connected']);
  });

  it('ST-10 B.5: a reliable packet with the token before any REGISTER_ACCEPT counts as the accept', () => {
    const { h, statuses } = setup();
    h.input({ type: 'connect' }).receive(accept());
    const server = new SmartTeLink({ role: 'server', token: TOKEN });
    for (const a of server.handle({ type: 'send', packet: { type: 'GET_DEVICE_CONFIG' } }, 0)) {
      if (a.type === 'send') h.receive(a.message);
    }
    expect(statuses().at(-1)).toBe('Connected');
    expect(h.sent().some((d) => decode(d.data).type === 'DEVICE_CONFIG')).toBe(true);
  });
});

describe('SmartTeClientMachine steps 5–8', () => {
  it('ST-13 "The client will respond with the device information string."', () => {
    const { h, fromServer } = connected();
    fromServer({ type: 'send', packet: { type: 'GET_DEVICE_CONFIG' } });
    const [reply] = h.sent().map((d) => ({ d, p: decode(d.data) as Packet }));
    expect(reply?.p.type).toBe('DEVICE_CONFIG');
    // The payload is the device information string itself (B.3), after the 16-byte header.
    const text = new TextDecoder().decode(reply?.d.data.subarray(16));
    expect(parseDeviceInfo(text)).toMatchObject({ uid: 'DEV-1', type: 'CT60', ver: '2.1', cols: 20, rows: 16 });
  });

  it('ST-14 "not all features are supported on all devices": applies what it supports, reports the rest', () => {
    const { h, fromServer, machine } = connected();
    fromServer({
      type: 'send',
      packet: {
        type: 'SET_DEVICE_CONFIG',
        rules: { keyboardTimeoutS: 30, backlightTimeoutS: 10, encryptionLevel: 0, headless: true, voice: true },
      },
    });
    const [config] = h.emitted('config');
    expect(config?.config).toEqual({
      applied: { keyboardTimeoutS: 30, encryptionLevel: 0 },
      unsupported: ['backlightTimeoutS', 'headless', 'voice'],
    });
    expect(machine.config).toEqual(config?.config);
  });

  it('ST-15 espSetTime: "clients that support the feature may set the device time" (configurable)', () => {
    const off = connected();
    off.fromServer({ type: 'send', packet: { type: 'SET_TIME', timeMs: 61_000, utcOffsetMin: 120 } });
    expect(off.h.emitted('time')).toEqual([{ type: 'time', offsetMs: 60_000, utcOffsetMin: 120, applied: false }]);
    expect(off.machine.clockOffsetMs).toBeUndefined();
    const on = connected({ applyTime: true });
    on.fromServer({ type: 'send', packet: { type: 'SET_TIME', timeMs: 61_000, utcOffsetMin: 120 } });
    expect(on.machine.clockOffsetMs).toBe(60_000);
    expect(on.h.emitted('ready')).toHaveLength(1);
  });

  it('ST-11 "Dropped packets beyond this point will result in a client message of \'eSP0001\' or [Linking]"', () => {
    const { h, statuses } = connected();
    h.receive(encode({ type: 'ERROR', seq: 0, token: TOKEN, code: 1, text: 'Session not found' }));
    // B.5: "A client accepts eSP0001 in any state and starts over with a CONNECT_REQUEST, keeping its UID."
    expect(statuses().slice(-2)).toEqual(['eSP0001', 'Connecting...']);
    expect(h.sent().map((d) => decode(d.data))).toMatchObject([{ type: 'CONNECT_REQUEST', uid: 'DEV-1' }]);
    const l = connected();
    l.h.input({ type: 'send-data', data: new Uint8Array([65]) }).advance(20_000);
    expect(l.statuses().some((t) => t.startsWith('[Linking] '))).toBe(true);
  });
});

describe('SmartTeClientMachine after step 8', () => {
  it('ST-16 "the server can now display a host selection screen": the device answers with its chosen host', () => {
    const { h, fromServer } = connected({ chooseHost: (hosts) => hosts[1]?.id ?? 0 });
    fromServer({
      type: 'send',
      packet: {
        type: 'HOST_MENU',
        hosts: [
          { id: 1, name: 'WMS' },
          { id: 2, name: 'ERP' },
        ],
      },
    });
    expect(h.emitted('host-menu')).toMatchObject([{ hosts: [{ name: 'WMS' }, { name: 'ERP' }] }]);
    expect(h.sent().map((d) => decode(d.data))).toMatchObject([{ type: 'HOST_SELECT', hostId: 2 }]);
  });

  it('ST-16 ERROR eSP0008 shows its code: "eSP0008"', () => {
    const { fromServer, statuses } = connected();
    fromServer({ type: 'send', packet: { type: 'ERROR', code: 8, text: 'No host configured' } });
    expect(statuses().at(-1)).toBe('eSP0008');
  });
});
