// The telnet bridge's machine hooks (host-data, host-end) and the operator's disconnect on sessions that resume
// (B.5): the host's bytes and the end of its leg wait while a resumed epoch runs steps 5–8, then follow in order.
import { DisconnectReason, EspCode } from '@portico/smartte-codec';
import { describe, expect, it } from 'vitest';
import { Net } from './test-support/net.js';

const text = (s: string) => new TextEncoder().encode(s);
const untext = (b: Uint8Array) => new TextDecoder().decode(b);
const HOSTS = {
  name: 'with-host',
  rules: {},
  hostGroup: { name: 'hosts', hosts: [{ id: 1, name: 'main', host: '127.0.0.1', port: 2323 }] },
};

/** A device through all eight steps, its session at its (only) telnet host. */
function atHost() {
  const net = new Net({ defaultGroup: HOSTS });
  const device = net.addDevice();
  net.input(device, { type: 'connect' }).run(2_000);
  expect(net.server.connections()[0]).toMatchObject({ step: 'host' });
  return { net, device };
}

/** The device moves and asks to resume; the server has taken the request (steps 5–8 of the new epoch to come). */
function resuming(net: Net, device: ReturnType<typeof atHost>['device']) {
  device.address = '10.0.9.9';
  device.port = 4000;
  net.input(device, { type: 'resume' }).run(net.delayMs);
  expect(net.server.connections()[0]).toMatchObject({ step: 'accepted' });
}

describe('the bridge hooks across a resume (B.5 "the telnet leg stays open")', () => {
  it('ST-01 "return to an existing session": host bytes that come while it resumes reach the device after steps 5–8, in order, once', () => {
    const { net, device } = atHost();
    expect(net.serverEmitted('host')).toMatchObject([{ host: { id: 1 }, hostGroup: { name: 'hosts' } }]);
    net.serverInput({ type: 'host-data', uid: 'DEV-1', sessionIndex: 0, data: text('before ') }).run(200);
    resuming(net, device);
    net.serverInput({ type: 'host-data', uid: 'DEV-1', sessionIndex: 0, data: text('during ') });
    net.serverInput({ type: 'host-data', uid: 'DEV-1', sessionIndex: 0, data: text('resume') });
    expect(net.server.hostBacklog('DEV-1', 0)).toBe('during resume'.length);
    net.run(5_000);
    expect(net.server.connections()[0]).toMatchObject({ step: 'host', epoch: 1, address: '10.0.9.9' });
    expect(net.server.hostBacklog('DEV-1', 0)).toBe(0);
    expect(net.serverEmitted('host-drained')).toHaveLength(1);
    expect(
      device
        .emitted('data')
        .map((e) => untext(e.data))
        .join(''),
    ).toBe('before during resume');
    // B.10 SCN counts the host's DATA to the device: the two held writes went as one DATA.
    expect(net.server.statistics('DEV-1')?.SCN).toBe(2);
  });

  it('ST-01 a host leg that ends while the session resumes: ERROR eSP0003 once it is back, then DISCONNECT reason 1', () => {
    const { net, device } = atHost();
    resuming(net, device);
    net.serverInput({
      type: 'host-end',
      uid: 'DEV-1',
      sessionIndex: 0,
      code: EspCode.HOST_CLOSED,
      reason: DisconnectReason.HOST_CLOSED,
    });
    expect(net.serverEmitted('ended')).toEqual([]);
    net.run(5_000);
    expect(device.statuses().at(-1)).toBe('eSP0003');
    expect(device.emitted('disconnected')).toMatchObject([{ reason: DisconnectReason.HOST_CLOSED }]);
    expect(net.serverEmitted('ended')).toMatchObject([{ reason: expect.any(String), statistics: { RCO: 1 } }]);
    expect(net.server.connections()).toEqual([]);
  });
});

describe("the operator's disconnect with statistics", () => {
  it('DISCONNECT reason 0 to the device; ended with reason "disconnect" and the final statistics; the port is free', () => {
    const { net, device } = atHost();
    net.serverInput({ type: 'host-data', uid: 'DEV-1', sessionIndex: 0, data: text('hello') }).run(200);
    net.serverInput({ type: 'disconnect', uid: 'DEV-1', sessionIndex: 0 }).run(200);
    expect(device.emitted('disconnected')).toMatchObject([{ reason: DisconnectReason.NORMAL }]);
    expect(net.serverEmitted('ended')).toMatchObject([{ reason: 'disconnect', statistics: { SCN: 1, PSNT: 4 } }]);
    expect(net.server.connections()).toEqual([]);
    expect(net.server.pool.inUse.size).toBe(0);
  });

  it('a session resuming (waiting for its REGISTER_REQUEST) ends without a DISCONNECT on the old epoch', () => {
    const { net, device } = atHost();
    resuming(net, device);
    const before = net.wire.length;
    net.serverInput({ type: 'disconnect', uid: 'DEV-1', sessionIndex: 0 });
    expect(net.wire.slice(before).filter((w) => w.type === 'DISCONNECT')).toEqual([]);
    expect(net.serverEmitted('ended')).toMatchObject([{ reason: 'disconnect' }]);
  });
});
