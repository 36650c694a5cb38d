import { MachineHarness } from '@portico/machine/testing';
import { DisconnectReason, decode, EspCode, encode, type Packet } from '@portico/smartte-codec';
import { SmartTeLink } from '@portico/smartte-link';
import { describe, expect, it } from 'vitest';
import { type ServerDatagram, SmartTeServerMachine, type SmartTeServerMachineOptions } from './machine.js';

const NONCE = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
const CLIENT = { address: '10.1.2.3', port: 3771 };

function request(uid = 'DEV-1', nonce = NONCE): Uint8Array {
  return encode({
    type: 'CONNECT_REQUEST',
    seq: 0,
    token: 0,
    uid,
    deviceType: 'CT60',
    clientVersion: '1.0',
    sessionIndex: 0,
    clientNonce: nonce,
  });
}

function setup(options: SmartTeServerMachineOptions = {}) {
  let t = 0x1000;
  const machine = new SmartTeServerMachine({
    portRange: { first: 5000, last: 5002 },
    token: () => t++,
    wallClock: () => 1_700_000_000_000,
    ...options,
  });
  const h = new MachineHarness(machine);
  const fromClient = (via: ServerDatagram['via'], data: Uint8Array, from = CLIENT) =>
    h.receive({ via, address: from.address, port: from.port, data });
  const packets = (): { out: ServerDatagram; packet: Packet }[] =>
    h.sent().map((out) => ({ out, packet: decode(out.data) as Packet }));
  return { machine, h, fromClient, packets };
}

/** Steps 1–2: request on the listen port, the glue opens the port, the accept goes out. */
function accepted(options: SmartTeServerMachineOptions = {}, connect = request()) {
  const s = setup(options);
  s.fromClient('listen', connect);
  s.h.input({ type: 'port-open', port: 5000 });
  const [accept] = s.packets();
  if (accept?.packet.type !== 'CONNECT_ACCEPT') throw new Error('no accept');
  return { ...s, token: accept.packet.token };
}

describe('SmartTeServerMachine handshake', () => {
  it('ST-02 "Once this packet arrives at the Server, the session can appear in the connections list."', () => {
    const { machine, fromClient, h } = setup();
    fromClient('listen', request());
    expect(machine.connections()).toMatchObject([{ uid: 'DEV-1', step: 'binding', sessionPort: 5000 }]);
    expect(h.emitted('connection')).toHaveLength(1);
    h.input({ type: 'port-open', port: 5000 });
    expect(machine.connections()[0]?.step).toBe('accepted');
  });

  it('ST-04 Connection Accept informs "the client to use a dedicated port number for this session."', () => {
    const { packets, token } = accepted();
    expect(token).toBe(0x1000);
    expect(packets()).toEqual([]); // take() consumed it; nothing more
  });

  it('ST-06 "the port number will reflect the next sequential port within the specified range."', () => {
    const { fromClient, h } = setup();
    for (const [i, uid] of ['A', 'B', 'C'].entries()) {
      fromClient('listen', request(uid, new Uint8Array(8).fill(i + 1)));
    }
    expect(h.emitted('open-port').map((e) => e.port)).toEqual([5000, 5001, 5002]);
  });

  it('ST-06 a retransmitted Connection Request never gets a second port, and gets the same answer', () => {
    const { fromClient, h, packets } = setup();
    fromClient('listen', request());
    h.input({ type: 'port-open', port: 5000 });
    const first = packets();
    fromClient('listen', request());
    const again = packets();
    expect(again.map((p) => p.out.data)).toEqual(first.map((p) => p.out.data));
    expect(h.emitted('open-port')).toHaveLength(1);
    // Same nonce, other content: dropped.
    fromClient('listen', request('OTHER'));
    expect(packets()).toEqual([]);
    expect(h.emitted('dropped').at(-1)?.reason).toBe('nonce reused with other content');
  });

  it('ST-07 "If the fixed port range does not have enough ports" → CONNECT_REJECT reason 1 ("Err:Host Timeout!")', () => {
    const { fromClient, packets } = setup({ portRange: { first: 5000, last: 5000 } });
    fromClient('listen', request('A', new Uint8Array(8).fill(1)));
    packets();
    fromClient('listen', request('B', new Uint8Array(8).fill(2)));
    const [reject] = packets();
    expect(reject?.packet).toMatchObject({ type: 'CONNECT_REJECT', reason: 1, text: 'Err:Host Timeout!' });
  });

  it('ST-09 "The server may report an alert \'could not complete registration\' if packet two or three is dropped."', () => {
    const { machine, h } = accepted();
    h.advance(4_999);
    expect(h.emitted('alert')).toHaveLength(0);
    h.advance(1);
    expect(h.emitted('alert')).toEqual([
      {
        type: 'alert',
        code: 'REGISTRATION_INCOMPLETE',
        text: 'could not complete registration',
        uid: 'DEV-1',
        port: 5000,
      },
    ]);
    expect(h.emitted('close-port')).toEqual([{ type: 'close-port', port: 5000 }]);
    expect(machine.pool.blacklisted.has(5000)).toBe(true);
    expect(machine.pool.inUse.has(5000)).toBe(false);
    expect(machine.connections()).toEqual([]);
  });

  it('ST-06 a session port another program holds is skipped: blacklisted, and the next sequential port is opened', () => {
    const { h, fromClient, machine, packets } = setup();
    fromClient('listen', request());
    h.input({ type: 'port-failed', port: 5000 });
    expect(h.emitted('open-port').map((e) => e.port)).toEqual([5000, 5001]);
    expect(machine.pool.blacklisted.has(5000)).toBe(true);
    h.input({ type: 'port-open', port: 5001 });
    expect(packets()[0]?.packet).toMatchObject({ type: 'CONNECT_ACCEPT', port: 5001 });
  });

  it('ST-07 "If the fixed port range does not have enough ports": when every free port fails to bind, CONNECT_REJECT reason 1, no endless retry', () => {
    // Another program holds 5001 and 5002; 5000 is this server's. The pool would clear its blacklist and hand out the
    // held ports again for ever (the benchmark's stall): the third request is refused after each free port failed once.
    const { h, fromClient, machine, packets } = setup();
    fromClient('listen', request('A', new Uint8Array(8).fill(1)));
    h.input({ type: 'port-open', port: 5000 });
    packets();
    fromClient('listen', request('B', new Uint8Array(8).fill(2)));
    for (let i = 0; i < 10 && h.emitted('rejected').length === 0; i++) {
      const [asked] = h.emitted('open-port').slice(-1);
      if (asked) h.input({ type: 'port-failed', port: asked.port });
    }
    expect(h.emitted('open-port').map((e) => e.port)).toEqual([5000, 5001, 5002]);
    const [reject] = packets();
    expect(reject?.packet).toMatchObject({ type: 'CONNECT_REJECT', reason: 1, text: 'Err:Host Timeout!' });
    expect(h.emitted('alert').map((a) => a.code)).toEqual(['PORT_RANGE_EXHAUSTED']);
    expect(h.emitted('ended').map((e) => [e.connection.uid, e.reason])).toEqual([['B', 'exhausted']]);
    expect(machine.connections().map((c) => c.uid)).toEqual(['A']);
    expect([...machine.pool.inUse]).toEqual([5000]);
  });

  it('ST-09 a retransmitted request restarts the registration timer', () => {
    const { h, fromClient } = accepted();
    h.advance(4_000);
    fromClient('listen', request());
    h.advance(4_000);
    expect(h.emitted('alert')).toHaveLength(0);
    h.advance(1_000);
    expect(h.emitted('alert')).toHaveLength(1);
  });

  it('ST-01 a packet on a session port with an unknown token gets ERROR eSP0001 with that token', () => {
    const { fromClient, packets } = accepted();
    fromClient(5000, encode({ type: 'REGISTER_REQUEST', seq: 0, token: 0xdead }));
    expect(packets()[0]?.packet).toMatchObject({ type: 'ERROR', code: 1, seq: 0, token: 0xdead });
  });
});

/** A client link answering the server's steps 5–8 in the test. */
function runSteps(options: SmartTeServerMachineOptions = {}, address = CLIENT, connect = request(), enc?: number[]) {
  const s = accepted(options, connect);
  s.fromClient(5000, encode({ type: 'REGISTER_REQUEST', seq: 0, token: s.token }), address);
  const order: string[] = [];
  const client = new SmartTeLink({ role: 'client', token: s.token });
  let now = 0;
  const toServer = (actions: ReturnType<SmartTeLink['handle']>) => {
    for (const a of actions) {
      if (a.type === 'send') s.fromClient(5000, a.message, address);
      if (a.type === 'emit' && a.event.type === 'deliver' && a.event.packet.type === 'GET_DEVICE_CONFIG') {
        const info = { uid: 'DEV-1', type: 'CT60', ver: '1.0', cols: 20, rows: 16, kbd: true, ...(enc ? { enc } : {}) };
        toServer(client.handle({ type: 'send', packet: { type: 'DEVICE_CONFIG', info } }, now));
      }
    }
  };
  const pump = (rounds = 40) => {
    // Bounded: 40 rounds of 60 ms cover the client's 50 ms delayed ACKs for every step.
    for (let round = 0; round < rounds; round++) {
      for (const d of s.h.sent()) {
        order.push(decode(d.data).type);
        toServer(client.handle({ type: 'receive', message: d.data }, now));
      }
      now += 60;
      s.h.advance(60);
      toServer(client.handle({ type: 'wake' }, now));
    }
  };
  pump();
  return { ...s, order, client, pump };
}

describe('SmartTeServerMachine steps 5–8', () => {
  it('ST-17 "The eight steps happen in this order" (server side: 2, 4, 5, 7, 8, each after the previous)', () => {
    const { order, machine, h } = runSteps();
    const steps = order.filter((t) => t !== 'ACK');
    expect(steps).toEqual(['REGISTER_ACCEPT', 'GET_DEVICE_CONFIG', 'SET_DEVICE_CONFIG', 'SET_TIME']);
    expect(h.emitted('step').map((e) => e.connection.step)).toEqual([
      'accepted',
      'get-device-config',
      'set-device-config',
      'set-time',
      'ready',
    ]);
    expect(h.emitted('ready')).toHaveLength(1);
    expect(machine.connections()[0]).toMatchObject({ step: 'ready', deviceInfo: { cols: 20, rows: 16 } });
  });

  it('ST-12 "a request by the server for basic information about the client … screen size, device type, and client version."', () => {
    const { machine } = runSteps();
    expect(machine.connections()[0]?.deviceInfo).toMatchObject({ type: 'CT60', ver: '1.0', cols: 20, rows: 16 });
  });

  it('ST-14 setDeviceConfig carries the rules of the best-matching device group, else the default group', () => {
    const groups = [
      { name: 'any-ct60', deviceTypes: ['CT60'], rules: { keyboardTimeoutS: 10 } },
      {
        name: 'dock-ct60',
        ipRanges: ['10.1.0.0/16'],
        deviceTypes: ['CT60'],
        rules: { keyboardTimeoutS: 30, voice: true },
      },
      { name: 'dock', ipRanges: ['10.1.2.0-10.1.2.255'], rules: { backlightTimeoutS: 5 } },
    ];
    const defaultGroup = { name: 'default', rules: { backlightTimeoutS: 60 } };
    const a = runSteps({ groups, defaultGroup });
    expect(a.machine.connections()[0]).toMatchObject({
      group: 'dock-ct60',
      rules: { keyboardTimeoutS: 30, voice: true },
    });
    const b = runSteps({ groups: groups.slice(2), defaultGroup }, { address: '192.168.0.9', port: 3771 });
    expect(b.machine.connections()[0]).toMatchObject({ group: 'default', rules: { backlightTimeoutS: 60 } });
  });

  it('ST-15 espSetTime carries the server time and UTC offset, after setDeviceConfig was acknowledged', () => {
    const s = accepted({ utcOffsetMin: 60 });
    s.fromClient(5000, encode({ type: 'REGISTER_REQUEST', seq: 0, token: s.token }));
    const sent = s.h.sent().map((d) => decode(d.data) as Packet);
    expect(sent.map((p) => p.type)).toEqual(['REGISTER_ACCEPT', 'GET_DEVICE_CONFIG']);
    const r = runSteps({ utcOffsetMin: 60 });
    const time = r.h
      .allSent()
      .map((d) => decode(d.data) as Packet)
      .find((p) => p.type === 'SET_TIME');
    expect(time).toMatchObject({ timeMs: 1_700_000_000_000, utcOffsetMin: 60 });
  });

  it('B.6 a group that requires encryption and a device without CLIENT_KEY: ERROR eSP0004, then DISCONNECT', () => {
    const { order, h } = runSteps({ defaultGroup: { name: 'd', rules: { encryptionLevel: 1 } } });
    expect(order.filter((t) => t !== 'ACK').slice(-2)).toEqual(['ERROR', 'DISCONNECT']);
    const error = h
      .allSent()
      .map((d) => decode(d.data) as Packet)
      .find((p) => p.type === 'ERROR');
    expect(error).toMatchObject({ code: 4, text: 'Encryption required' });
    expect(h.emitted('alert').map((a) => a.code)).toEqual(['ENCRYPTION_REQUIRED']);
    expect(h.emitted('ended')).toHaveLength(1);
  });

  it('B.6 a CLIENT_KEY that gives no shared secret (all zeros, a low-order point): ERROR eSP0004 and DISCONNECT, the server does not throw', () => {
    const zeroKey = encode({
      type: 'CONNECT_REQUEST',
      seq: 0,
      token: 0,
      uid: 'DEV-1',
      deviceType: 'CT60',
      clientVersion: '1.0',
      sessionIndex: 0,
      clientNonce: NONCE,
      clientKey: new Uint8Array(32),
    });
    const { order, h } = runSteps(
      { defaultGroup: { name: 'd', rules: { encryptionLevel: 1 } } },
      CLIENT,
      zeroKey,
      [0, 1, 2],
    );
    expect(order.filter((t) => t !== 'ACK').slice(-2)).toEqual(['ERROR', 'DISCONNECT']);
    expect(h.emitted('alert').map((a) => a.code)).toEqual(['ENCRYPTION_REQUIRED']);
    // The same device at level 0 never needs the agreement: its session is ready.
    const plain = runSteps({}, CLIENT, zeroKey, [0, 1, 2]);
    expect(plain.h.emitted('ready')).toHaveLength(1);
  });

  it('B.5 session packets only from the registered address; a repeated REGISTER_REQUEST is answered again', () => {
    const { fromClient, h, token } = runSteps();
    h.take();
    fromClient(5000, encode({ type: 'REGISTER_REQUEST', seq: 0, token }));
    expect(h.sent().map((d) => decode(d.data).type)).toEqual(['REGISTER_ACCEPT']);
    fromClient(5000, encode({ type: 'DATA', seq: 1, token, data: new Uint8Array([1]) }), {
      address: '10.9.9.9',
      port: 1,
    });
    expect(h.emitted('dropped').at(-1)?.reason).toBe('not from the registered address');
  });
});

describe('SmartTeServerMachine shutdown', () => {
  it('drains: DISCONNECT reason 4 to every registered device, every session ended and its port closed', () => {
    const { h, machine } = runSteps();
    h.take();
    h.input({ type: 'shutdown' });
    expect(h.sent().map((d) => decode(d.data))).toMatchObject([{ type: 'DISCONNECT', reason: 4 }]);
    expect(h.emitted('ended').at(-1)).toMatchObject({ reason: 'shutdown' });
    expect(h.emitted('close-port').at(-1)).toEqual({ type: 'close-port', port: 5000 });
    expect(machine.connections()).toEqual([]);
    expect(machine.pool.inUse.size).toBe(0);
  });
});

describe('SmartTeServerMachine after step 8 (ST-16)', () => {
  const hosts = [
    { id: 1, name: 'WMS', host: '127.0.0.1', port: 2323 },
    { id: 2, name: 'ERP', host: '127.0.0.1', port: 2324 },
  ];
  const withHosts = (hostGroup: { name: string; hosts: typeof hosts; preferred?: number }) => ({
    defaultGroup: { name: 'default', rules: {}, hostGroup },
  });

  it('ST-16 a host group with no hosts: ERROR eSP0008 "No host configured", then DISCONNECT once it is acked', () => {
    const { order, h } = runSteps(withHosts({ name: 'empty', hosts: [] }));
    const types = order.filter((t) => t !== 'ACK');
    expect(types.slice(-2)).toEqual(['ERROR', 'DISCONNECT']);
    const error = h
      .allSent()
      .map((d) => decode(d.data) as Packet)
      .find((p) => p.type === 'ERROR');
    expect(error).toMatchObject({ code: 8, text: 'No host configured' });
    expect(h.emitted('ended')).toHaveLength(1);
  });

  it('ST-16 "the server can now display a host selection screen": several hosts and no preferred one → HOST_MENU', () => {
    const { order, h, fromClient, token } = runSteps(withHosts({ name: 'two', hosts }));
    expect(order.filter((t) => t !== 'ACK').at(-1)).toBe('HOST_MENU');
    const menu = h
      .allSent()
      .map((d) => decode(d.data) as Packet)
      .find((p) => p.type === 'HOST_MENU');
    expect(menu).toMatchObject({
      hosts: [
        { id: 1, name: 'WMS' },
        { id: 2, name: 'ERP' },
      ],
    });
    // The device's HOST_SELECT (its first reliable packet after DEVICE_CONFIG: seq 2, acking the server's 4).
    fromClient(5000, encode({ type: 'HOST_SELECT', seq: 2, ack: 4, token, hostId: 2 }));
    expect(h.emitted('host')).toMatchObject([{ host: { id: 2, name: 'ERP' } }]);
  });

  const errors = (h: ReturnType<typeof runSteps>['h']) =>
    h
      .allSent()
      .map((d) => decode(d.data) as Packet)
      .filter((p) => p.type === 'ERROR' || p.type === 'DISCONNECT');

  it('ST-16 "the server can now display a host selection screen", for a minute by default: then ERROR eSP0006 and DISCONNECT reason 2', () => {
    // runSteps ends 2.4 s (virtual) after the first packet, the menu went out before that: its deadline is at most
    // 62.4 s and at least 60 s.
    const { h, pump, machine } = runSteps(withHosts({ name: 'two', hosts }));
    expect(machine.connections()[0]?.step).toBe('host-menu');
    h.advance(57_000);
    expect(errors(h)).toEqual([]);
    expect(machine.connections()[0]?.step).toBe('host-menu');
    pump(100); // 6 s more, the client link acking what comes
    expect(errors(h)).toMatchObject([
      { type: 'ERROR', code: EspCode.INACTIVITY, text: 'Session ended for inactivity' },
      { type: 'DISCONNECT', reason: DisconnectReason.INACTIVITY },
    ]);
    expect(h.emitted('alert').map((a) => [a.code, a.text])).toEqual([
      ['HOST_MENU_TIMEOUT', 'no host selected in time'],
    ]);
    expect(h.emitted('ended')).toHaveLength(1);
    expect(machine.connections()).toEqual([]);
  });

  it('ST-16 the host-menu time-out is configurable; a HOST_SELECT in time stops it; 0 waits for ever', () => {
    const short = runSteps({ ...withHosts({ name: 'two', hosts }), hostMenuTimeoutMs: 5_000 });
    short.pump(100);
    expect(errors(short.h).map((p) => p.type)).toEqual(['ERROR', 'DISCONNECT']);

    const chosen = runSteps({ ...withHosts({ name: 'two', hosts }), hostMenuTimeoutMs: 5_000 });
    chosen.fromClient(5000, encode({ type: 'HOST_SELECT', seq: 2, ack: 4, token: chosen.token, hostId: 1 }));
    expect(chosen.machine.connections()[0]?.step).toBe('host');
    chosen.h.advance(600_000);
    expect(errors(chosen.h)).toEqual([]);

    const never = runSteps({ ...withHosts({ name: 'two', hosts }), hostMenuTimeoutMs: 0 });
    never.h.advance(3_600_000);
    expect(errors(never.h)).toEqual([]);
    expect(never.machine.connections()[0]?.step).toBe('host-menu');
    expect(never.h.emitted('alert')).toEqual([]);
  });

  it('ST-16 "or begin the connection to the telnet host as configured": a preferred host, no menu', () => {
    const { order, h } = runSteps(withHosts({ name: 'pref', hosts, preferred: 1 }));
    expect(order).not.toContain('HOST_MENU');
    expect(h.emitted('host')).toMatchObject([{ host: { id: 1, name: 'WMS' } }]);
  });
});

describe('SmartTeServerMachine key (B.6)', () => {
  it('serverKey: the configured long-term key gives the SERVER_KEY of B.8; a key of another size is refused (SERVER_OPTION)', () => {
    const raw = Uint8Array.from({ length: 32 }, (_, i) => 0x21 + i);
    const m = new SmartTeServerMachine({ serverKey: raw });
    expect(Buffer.from(m.serverPublicKey ?? []).toString('hex')).toBe(
      '5869aff450549732cbaaed5e5df9b30a6da31cb0e5742bad5ad4a1a768f1a67b',
    );
    expect(() => new SmartTeServerMachine({ serverKey: new Uint8Array(31) })).toThrow(
      expect.objectContaining({ code: 'SERVER_OPTION', got: '31 bytes' }),
    );
    // A key pair per epoch instead: nothing to pin.
    expect(
      new SmartTeServerMachine({ keyAgreement: () => ({ publicKey: raw, agree: () => raw }) }).serverPublicKey,
    ).toBe(undefined);
  });
});
