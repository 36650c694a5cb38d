import { createHash } from 'node:crypto';
import { nodeX25519 } from '@portico/machine';
import { decode, encode } from '@portico/smartte-codec';
import { describe, expect, it } from 'vitest';
import { type Device, Net } from './test-support/net.js';

const text = (s: string) => new TextEncoder().encode(s);
const untext = (b: Uint8Array) => new TextDecoder().decode(b);

/** A device through all eight steps on a fresh network (or the given one). */
function ready(net = new Net(), options: Parameters<Net['addDevice']>[0] = {}, address?: string, port?: number) {
  const device = net.addDevice(options, address, port);
  net.input(device, { type: 'connect' }).run(2_000);
  return { net, device };
}

const received = (d: Device) => d.emitted('data').map((e) => untext(e.data));

describe('client and server machines together, sans-IO on one virtual clock', () => {
  it('ST-17 "The eight steps happen in this order" with the display states ST-03, ST-05, ST-10 in order', () => {
    const { net, device } = ready();
    const steps = net.wire
      .filter((w) => !['ACK', 'SYNC'].includes(w.type))
      .map((w) => w.type)
      .slice(0, 8);
    expect(steps).toEqual([
      'CONNECT_REQUEST',
      'CONNECT_ACCEPT',
      'REGISTER_REQUEST',
      'REGISTER_ACCEPT',
      'GET_DEVICE_CONFIG',
      'DEVICE_CONFIG',
      'SET_DEVICE_CONFIG',
      'SET_TIME',
    ]);
    expect(device.statuses()).toEqual(['Connecting...', 'Register Port 5000', 'Connected']);
    expect(device.emitted('ready')).toHaveLength(1);
    expect(net.server.connections()[0]).toMatchObject({ step: 'ready', encryption: 0 });
  });

  it('B.5 steps 7 and 8 are acked at once, the early end of "a pure ACK within 50 ms": the server goes on without waiting', () => {
    const net = new Net();
    const log: { dir: string; type: string; at: number }[] = [];
    net.drop = (w) => {
      log.push({ dir: w.dir, type: w.type, at: net.now });
      return false;
    };
    const device = net.addDevice({});
    net.input(device, { type: 'connect' }).run(2_000);
    for (const step of ['SET_DEVICE_CONFIG', 'SET_TIME']) {
      const i = log.findIndex((w) => w.type === step);
      const sent = log[i];
      const ack = log.slice(i + 1).find((w) => w.dir === 'c2s');
      expect(ack?.type).toBe('ACK');
      // On the wire one way (the simulated 5 ms), acked as it arrives: not 5 + 50 ms later.
      expect((ack?.at ?? Number.NaN) - (sent?.at ?? Number.NaN)).toBe(net.delayMs);
    }
    expect(device.emitted('ready')).toHaveLength(1);
    expect(net.server.connections()[0]?.step).toBe('ready');
  });

  it('ST-15 the clock offset from espSetTime is applied when configured', () => {
    const { device } = ready(new Net(), { applyTime: true });
    expect(device.machine.clockOffsetMs).toBe(5_000);
    expect(device.emitted('time')).toMatchObject([{ offsetMs: 5_000, applied: true }]);
  });
});

describe('B.6 encryption switched on by the device group', () => {
  for (const level of [1, 2]) {
    it(`ST-14 "Set encryption level" ${level}: the handshake completes sealed end to end, DATA both ways`, () => {
      const net = new Net({ defaultGroup: { name: 'secure', rules: { encryptionLevel: level } } });
      const { device } = ready(net);
      expect(device.emitted('ready')).toHaveLength(1);
      expect(device.machine.config?.applied.encryptionLevel).toBe(level);
      expect(net.server.connections()[0]).toMatchObject({ step: 'ready', encryption: level });
      // Switch-over: everything the server sends after SET_DEVICE_CONFIG is sealed, and so is SET_TIME.
      const afterSet = net.wire.slice(net.wire.findIndex((w) => w.type === 'SET_DEVICE_CONFIG') + 1);
      expect(afterSet.filter((w) => w.dir === 's2c').every((w) => w.sealed)).toBe(true);
      expect(afterSet.filter((w) => w.dir === 'c2s').every((w) => w.sealed)).toBe(true);
      expect(afterSet.some((w) => w.type === 'SET_TIME')).toBe(true);
      net.input(device, { type: 'send-data', data: text('scan 42') }).run(500);
      net.serverInput({ type: 'send-data', uid: 'DEV-1', sessionIndex: 0, data: text('OK') }).run(500);
      expect(net.serverEmitted('data').map((e) => untext(e.data))).toEqual(['scan 42']);
      expect(received(device)).toEqual(['OK']);
      const data = net.wire.filter((w) => w.type === 'DATA');
      expect(data.length).toBeGreaterThanOrEqual(2);
      expect(data.every((w) => w.sealed)).toBe(true);
      // No plaintext on the wire.
      expect(data.some((w) => untext(w.data).includes('scan 42'))).toBe(false);
    });
  }

  it('B.6 unsealed packets after the switch-over are dropped and counted, never delivered (both sides)', () => {
    const net = new Net({ defaultGroup: { name: 'secure', rules: { encryptionLevel: 1 } } });
    const { device } = ready(net);
    const token = net.server.connections()[0]?.epoch === 0 ? device.machine.link?.token : undefined;
    expect(token).toBeDefined();
    const before = device.machine.link?.counters.BAD ?? 0;
    // Forged unsealed DATA to the device, with the right token and the next sequence number.
    net.input(device, {
      type: 'receive',
      message: encode({ type: 'DATA', seq: 4, token: token ?? 0, data: text('rm -rf') }),
    });
    expect(received(device)).toEqual([]);
    expect(device.machine.link?.counters.BAD).toBe(before + 1);
    // And to the server, from the device's own address.
    const serverBad = net.server.statistics('DEV-1')?.BAD ?? 0;
    net.serverInput({
      type: 'receive',
      message: {
        via: 5000,
        address: device.address,
        port: device.port,
        data: encode({ type: 'DATA', seq: 3, token: token ?? 0, data: text('x') }),
      },
    });
    expect(net.serverEmitted('data')).toEqual([]);
    expect(net.server.statistics('DEV-1')?.BAD).toBe(serverBad + 1);
  });

  it('B.6 a SERVER_KEY that gives no shared secret (all zeros): the device refuses the switch-over, "Err:Server Key", DISCONNECT reason 5', () => {
    const net = new Net({
      defaultGroup: { name: 'secure', rules: { encryptionLevel: 2 } },
      // A broken or hostile server: it advertises a low-order point as SERVER_KEY (it keeps a real pair for itself).
      keyAgreement: () => {
        const real = nodeX25519();
        return { publicKey: new Uint8Array(32), agree: (peer: Uint8Array) => real.agree(peer) };
      },
    });
    const device = net.addDevice({});
    net.input(device, { type: 'connect' }).run(5_000);
    expect(device.statuses()).toEqual(['Connecting...', 'Register Port 5000', 'Connected', 'Err:Server Key']);
    expect(device.emitted('failed').map((e) => e.text)).toEqual(['Err:Server Key']);
    expect(device.emitted('config')).toEqual([]);
    const bye = net.wire.filter((w) => w.dir === 'c2s' && w.type === 'DISCONNECT');
    expect(bye).toHaveLength(1);
    expect(decode((bye[0] as { data: Uint8Array }).data)).toMatchObject({ type: 'DISCONNECT', reason: 5 });
    expect(device.machine.state).toBe('closed');
    expect(net.server.connections()).toEqual([]);
  });

  it('B.6 threat model "the client pins the server\'s key fingerprint": SERVER_KEY is the server\'s long-term key, so a pin holds', () => {
    const net = new Net({ defaultGroup: { name: 'secure', rules: { encryptionLevel: 2 } } });
    const serverKey = net.server.serverPublicKey as Uint8Array;
    const pin = createHash('sha256').update(serverKey).digest();
    const pinned = ready(net, { serverKeyFingerprint: pin }).device;
    const second = ready(net, { uid: 'DEV-2', serverKeyFingerprint: pin }, '10.0.0.2').device;
    expect([pinned, second].map((d) => d.emitted('ready').length)).toEqual([1, 1]);
    const accepts = net.wire.filter((w) => w.type === 'CONNECT_ACCEPT').map((w) => decode(w.data));
    expect(accepts.map((a) => (a as { serverKey?: Uint8Array }).serverKey)).toEqual([serverKey, serverKey]);
    expect(net.server.connections().map((c) => c.encryption)).toEqual([2, 2]);
    const wrongPin = ready(net, { uid: 'DEV-3', serverKeyFingerprint: new Uint8Array(32) }, '10.0.0.3').device;
    expect(wrongPin.statuses().slice(-1)).toEqual(['Err:Server Key']);
    expect(wrongPin.emitted('ready')).toEqual([]);
  });

  it('B.6 a group that requires encryption the device cannot do: ERROR eSP0004, then DISCONNECT', () => {
    const net = new Net({ defaultGroup: { name: 'secure', rules: { encryptionLevel: 2 } } });
    const { device } = ready(net, { encryptionLevels: [0] });
    expect(device.statuses().slice(-1)).toEqual(['eSP0004']);
    expect(device.emitted('disconnected')).toHaveLength(1);
    expect(net.serverEmitted('alert').map((a) => a.code)).toEqual(['ENCRYPTION_REQUIRED']);
    expect(net.server.connections()).toEqual([]);
  });
});

describe('drops the seed describes', () => {
  it('ST-09 "could not complete registration" when packet two is dropped; ST-07 the device shows "Err:Host Timeout!"', () => {
    const net = new Net();
    net.drop = (w) => w.type === 'CONNECT_ACCEPT';
    const device = net.addDevice();
    net.input(device, { type: 'connect' }).run(20_000);
    expect(device.statuses()).toEqual(['Connecting...', 'Err:Host Timeout!']);
    expect(net.serverEmitted('alert').map((a) => a.text)).toEqual(['could not complete registration']);
    expect(net.server.pool.blacklisted.has(5000)).toBe(true);
    // A retransmitted request never got a second port.
    expect(net.serverEmitted('open-port')).toHaveLength(1);
  });

  it('ST-09 "could not complete registration" when packet three is dropped; the device times out registering', () => {
    const net = new Net();
    net.drop = (w) => w.type === 'REGISTER_REQUEST';
    const device = net.addDevice();
    net.input(device, { type: 'connect' }).run(20_000);
    expect(device.statuses()).toEqual(['Connecting...', 'Register Port 5000', 'Err:Host Timeout!']);
    expect(net.serverEmitted('alert').map((a) => a.code)).toEqual(['REGISTRATION_INCOMPLETE']);
    expect(net.server.connections()).toEqual([]);
  });

  it('ST-08 a dropped packet three is sent again: the second REGISTER_REQUEST completes the handshake', () => {
    const net = new Net();
    let dropped = 0;
    net.drop = (w) => w.type === 'REGISTER_REQUEST' && dropped++ === 0;
    const { device } = ready(net);
    expect(device.emitted('ready')).toHaveLength(1);
    expect(net.serverEmitted('alert')).toEqual([]);
  });

  it('ST-07 "If the fixed port range does not have enough ports … \'Err:Host Timeout!\'"', () => {
    const net = new Net({ portRange: { first: 5000, last: 5000 } });
    ready(net, { uid: 'A' }, '10.0.0.1');
    const { device } = ready(net, { uid: 'B' }, '10.0.0.2');
    expect(device.statuses()).toEqual(['Connecting...', 'Err:Host Timeout!']);
    expect(net.serverEmitted('rejected')).toMatchObject([{ reason: 1 }]);
  });

  it('ST-11 "Dropped packets beyond this point will result in a client message of … [Linking]", then it recovers', () => {
    const { net, device } = ready();
    net.drop = (w) => w.dir === 's2c';
    net.input(device, { type: 'send-data', data: text('a') }).run(20_000);
    expect(device.statuses().filter((t) => t.startsWith('[Linking] ')).length).toBeGreaterThan(0);
    net.drop = () => false;
    net.run(10_000);
    expect(net.serverEmitted('data').map((e) => untext(e.data))).toEqual(['a']);
    expect(device.machine.link?.state).toBe('open');
  });

  it('ST-11 "… a client message of \'eSP0001\'": the server lost the session; the device starts over, same UID', () => {
    const { net, device } = ready();
    // The server restarts: a new machine knows no session; the device's next packet gets eSP0001.
    const fresh = new Net();
    fresh.devices.push(device);
    (net as { server: unknown }).server = fresh.server;
    net.input(device, { type: 'send-data', data: text('a') }).run(3_000);
    expect(device.statuses()).toContain('eSP0001');
    expect(device.statuses().at(-1)).toBe('Connected');
    expect(device.emitted('ready')).toHaveLength(2);
  });

  it('ST-11 "Dropped packets beyond this point": a lost DATA packet makes the next ones out of sequence (OSQ), delivered in order', () => {
    const { net, device } = ready();
    let first = true;
    net.drop = (w) => {
      if (w.type === 'DATA' && w.dir === 's2c' && first) {
        first = false;
        return true;
      }
      return false;
    };
    for (const t of ['1', '2', '3'])
      net.serverInput({ type: 'send-data', uid: 'DEV-1', sessionIndex: 0, data: text(t) });
    net.run(3_000);
    expect(received(device)).toEqual(['1', '2', '3']);
    expect(device.machine.statistics()?.OSQ).toBe(2);
    expect(net.server.statistics('DEV-1')?.RTX).toBeGreaterThanOrEqual(1);
  });
});

describe('B.5 resume and takeover (ST-01 "return to an existing session, or when changing networks")', () => {
  it('ST-01 a device that changed network is returned to its session: same port, new token and epoch, RCO, nothing lost', () => {
    const { net, device } = ready();
    const oldToken = device.machine.link?.token;
    // The network changes: the device's address and port move; meanwhile the host writes to it.
    device.address = '10.0.9.9';
    device.port = 4000;
    net.serverInput({ type: 'send-data', uid: 'DEV-1', sessionIndex: 0, data: text('while away') });
    net.input(device, { type: 'send-data', data: text('typed while moving') });
    net.input(device, { type: 'resume' }).run(5_000);
    const row = net.server.connections()[0];
    expect(row).toMatchObject({ sessionPort: 5000, address: '10.0.9.9', port: 4000, epoch: 1, step: 'ready' });
    expect(device.machine.link?.token).not.toBe(oldToken);
    expect(net.server.statistics('DEV-1')?.RCO).toBe(1);
    expect(net.serverEmitted('alert').map((a) => a.code)).toEqual(['SESSION_RESUMED']);
    expect(net.serverEmitted('resumed')).toHaveLength(1);
    expect(device.emitted('resumed')).toMatchObject([{ epoch: 1 }]);
    // Exactly once, in order, both ways.
    expect(received(device)).toEqual(['while away']);
    expect(net.serverEmitted('data').map((e) => untext(e.data))).toEqual(['typed while moving']);
    // The old address was told eSP0005 (it reaches no one now) and its token is dropped.
    expect(net.dropped.some((w) => w.type === 'ERROR' && decode(w.data).type === 'ERROR')).toBe(true);
    net.serverInput({
      type: 'receive',
      message: {
        via: 5000,
        address: '10.0.0.5',
        port: 3771,
        data: encode({ type: 'SYNC', seq: 0, token: oldToken ?? 0 }),
      },
    });
    expect(net.serverEmitted('data')).toHaveLength(1);
  });

  it('ST-01 B.5 a linking device finds its session again with a resume request in place of every third SYNC', () => {
    const { net, device } = ready();
    device.address = '10.0.9.9'; // moved, and does not know it: its packets now come from elsewhere
    net.input(device, { type: 'send-data', data: text('hello') }).run(60_000);
    expect(device.statuses().some((t) => t.startsWith('[Linking] '))).toBe(true);
    expect(net.server.connections()[0]).toMatchObject({ sessionPort: 5000, address: '10.0.9.9', epoch: 1 });
    expect(net.serverEmitted('data').map((e) => untext(e.data))).toEqual(['hello']);
  });

  it('ST-01 "return to an existing session" when encrypted: a valid RESUME_PROOF, new keys, still sealed, no takeover', () => {
    const net = new Net({ defaultGroup: { name: 'secure', rules: { encryptionLevel: 2 } } });
    const { device } = ready(net);
    device.port = 4001;
    net.input(device, { type: 'resume' }).run(5_000);
    expect(net.serverEmitted('alert').map((a) => a.code)).toEqual(['SESSION_RESUMED']);
    expect(net.server.connections()[0]).toMatchObject({ epoch: 1, step: 'ready', encryption: 2 });
    const request = net.wire.filter((w) => w.type === 'CONNECT_REQUEST').at(-1);
    expect(request && decode(request.data)).toMatchObject({ resumeProof: expect.any(Uint8Array) });
    net.input(device, { type: 'send-data', data: text('sealed again') }).run(500);
    expect(net.serverEmitted('data').map((e) => untext(e.data))).toEqual(['sealed again']);
    expect(net.wire.filter((w) => w.type === 'DATA').every((w) => w.sealed)).toBe(true);
  });

  it('ST-01 B.5 takeover: same UID, no proof, encrypted session: eSP0005 to the old device, a fresh session for the new', () => {
    const net = new Net({ defaultGroup: { name: 'secure', rules: { encryptionLevel: 1 } } });
    const { device: first } = ready(net);
    const { device: second } = ready(net, {}, '10.0.0.77');
    expect(first.statuses().at(-1)).toBe('eSP0005');
    expect(first.emitted('disconnected')).toMatchObject([{ reason: 3 }]);
    expect(second.emitted('ready')).toHaveLength(1);
    expect(net.serverEmitted('alert').map((a) => a.code)).toEqual(['SESSION_TAKEN_OVER']);
    expect(net.serverEmitted('ended')).toMatchObject([{ reason: 'takeover' }]);
    const rows = net.server.connections();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ address: '10.0.0.77', epoch: 0, sessionPort: 5001 });
    expect(net.server.statistics('DEV-1')?.RCO).toBe(1);
  });

  it('ST-01 "return to an existing session": an unencrypted one is taken by a second device with the same UID, same port', () => {
    const { net, device: first } = ready();
    const { device: second } = ready(net, {}, '10.0.0.78');
    expect(second.emitted('ready')).toHaveLength(1);
    expect(net.server.connections()).toMatchObject([{ address: '10.0.0.78', sessionPort: 5000, epoch: 1 }]);
    expect(first.statuses().at(-1)).toBe('eSP0005');
  });
});

describe('multi-session (ST-14 "Enable multi-session support")', () => {
  it('ST-14 "Enable multi-session support": up to the group\'s limit of sessions; one more is refused "Err:License Limit"', () => {
    const net = new Net({ defaultGroup: { name: 'multi', rules: { multiSession: 2 } } });
    const a = ready(net, { sessionIndex: 0 }, '10.0.0.5', 3771).device;
    const b = ready(net, { sessionIndex: 1 }, '10.0.0.5', 3772).device;
    const c = ready(net, { sessionIndex: 2 }, '10.0.0.5', 3773).device;
    expect([a, b].map((d) => d.emitted('ready').length)).toEqual([1, 1]);
    expect(net.server.connections().map((r) => [r.sessionIndex, r.sessionPort])).toEqual([
      [0, 5000],
      [1, 5001],
    ]);
    expect(c.statuses()).toEqual(['Connecting...', 'Err:License Limit']);
    expect(net.serverEmitted('rejected')).toMatchObject([{ reason: 2 }]);
    expect(net.serverEmitted('alert').map((x) => x.code)).toEqual(['SESSION_LIMIT']);
  });

  it('ST-14 without "multi-session support" a second session of the same device is refused', () => {
    const net = new Net();
    ready(net, { sessionIndex: 0 });
    const { device } = ready(net, { sessionIndex: 1 }, '10.0.0.5', 3772);
    expect(device.statuses().at(-1)).toBe('Err:License Limit');
  });
});

describe('drain and echo', () => {
  it('issue 14 §5 drain: DISCONNECT reason 4 to every device, new requests refused "Err:Server Shutdown"', () => {
    const net = new Net({ defaultGroup: { name: 'm', rules: { multiSession: 3 } } });
    const devices = [0, 1, 2].map((i) => ready(net, { uid: `D${i}` }, `10.0.0.${10 + i}`).device);
    net.serverInput({ type: 'shutdown' }).run(100);
    for (const d of devices) expect(d.emitted('disconnected')).toMatchObject([{ reason: 4 }]);
    expect(net.serverEmitted('ended').map((e) => e.reason)).toEqual(['shutdown', 'shutdown', 'shutdown']);
    expect(net.serverEmitted('ended')[0]?.statistics).toMatchObject({ PSNT: 3, PRCV: 1 });
    const late = ready(net, { uid: 'LATE' }, '10.0.0.99').device;
    expect(late.statuses().at(-1)).toBe('Err:Server Shutdown');
  });

  it('echo test transactions: ECHO_REQUEST/RESPONSE with RTT, CLL and RSP counted', () => {
    const { net, device } = ready();
    for (let i = 1; i <= 3; i++) net.input(device, { type: 'echo', echo: i }).run(100);
    expect(device.emitted('echo')).toEqual([
      { type: 'echo', echo: 1, rttMs: 10 },
      { type: 'echo', echo: 2, rttMs: 10 },
      { type: 'echo', echo: 3, rttMs: 10 },
    ]);
    expect(device.machine.statistics()).toMatchObject({ CLL: 3, RSP: 3 });
    expect(net.server.statistics('DEV-1')?.CMD).toBe(3);
  });
});
