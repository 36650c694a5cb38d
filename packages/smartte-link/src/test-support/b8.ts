// smartte.md B.8, the worked example, verbatim: the keys and the two sealed datagrams of steps 6 and 7; and the
// two links of its steps 5–7, keyed by the reference derivation or by the link's own `epochKeys`.
import { nodeAesGcm } from '@portico/machine';
import { MachineHarness } from '@portico/machine/testing';
import { deriveSessionKeys, importRawX25519PrivateKey, type SyncLinkKeys, syncLinkKeys } from '@portico/smartte-codec';
import { fromHex } from '@portico/wire';
import { type LinkCommand, type LinkEvent, SmartTeLink } from '../link.js';
import type { LinkRole } from '../options.js';
import type { LinkKeysForLevel } from '../sealing.js';

export const B8 = {
  clientPrivate: fromHex(
    '01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f 20',
  ),
  clientPublic: fromHex(
    '07 a3 7c bc 14 20 93 c8 b7 55 dc 1b 10 e8 6c b4 26 37 4a d1 6a a8 53 ed 0b df c0 b2 b8 6d 1c 7c',
  ),
  serverPrivate: fromHex(
    '21 22 23 24 25 26 27 28 29 2a 2b 2c 2d 2e 2f 30 31 32 33 34 35 36 37 38 39 3a 3b 3c 3d 3e 3f 40',
  ),
  serverPublic: fromHex(
    '58 69 af f4 50 54 97 32 cb aa ed 5e 5d f9 b3 0a 6d a3 1c b0 e5 74 2b ad 5a d4 a1 a7 68 f1 a6 7b',
  ),
  shared: fromHex('a8 4d c7 c3 c8 f0 58 b1 b2 dc 4c d1 e9 b5 dc 0a 79 87 f8 8b 6a 95 64 cd e3 39 1f c4 21 15 9e 77'),
  c2s: fromHex('fc c6 d4 2d 88 7a 97 05 1b 3b 39 4c ad 11 09 2f'),
  s2c: fromHex('f0 6a 77 5c d7 4d 62 af 47 ce bd fe 98 e9 d4 3e'),
  nonce: fromHex('01 02 03 04 05 06 07 08'),
  token: 0x1234abcd,
  setTime: fromHex(
    '53 54 01 08 03 00 00 03 00 01 00 1a 12 34 ab cd 5b ba b3 ea af 11 29 c5 6b 87 12 01 73 29 a3 b8 04 3d 27 0d ea 95 8d 59 4d 2d',
  ),
  ack: fromHex('53 54 01 11 03 00 00 02 00 03 00 10 12 34 ab cd 33 28 a1 7a 08 29 8f 78 82 3b 16 b5 ca 18 6a 53'),
};

/** The B.8 keys of one side, level 1, through smartte-codec's asynchronous reference derivation (Web Crypto). */
export async function b8Keys(role: LinkRole): Promise<SyncLinkKeys> {
  const own = await importRawX25519PrivateKey(role === 'client' ? B8.clientPrivate : B8.serverPrivate);
  const material = await deriveSessionKeys({
    privateKey: own.privateKey,
    peerPublicKey: role === 'client' ? B8.serverPublic : B8.clientPublic,
    clientNonce: B8.nonce,
    token: B8.token,
    level: 1,
  });
  return syncLinkKeys(material, role, nodeAesGcm);
}

type H = MachineHarness<Uint8Array, Uint8Array, LinkEvent, LinkCommand>;

/**
 * B.8's steps 5–7 between two harnessed links keyed by `keys` (default: `b8Keys`, level 1): returns them right after
 * the client's sealed ACK of SET_DEVICE_CONFIG.
 */
export async function throughSetDeviceConfig(
  selectiveAck = false,
  keys: (role: LinkRole) => Promise<LinkKeysForLevel> = async (role) => {
    const k = await b8Keys(role);
    return () => k;
  },
) {
  const client = new SmartTeLink({ role: 'client', token: B8.token, selectiveAck, sealing: await keys('client') });
  const server = new SmartTeLink({ role: 'server', token: B8.token, selectiveAck, sealing: await keys('server') });
  const c: H = new MachineHarness(client);
  const s: H = new MachineHarness(server);
  const pass = (from: H, to: H) => to.receive(...from.sent());
  s.input({ type: 'send', packet: { type: 'GET_DEVICE_CONFIG' } });
  pass(s, c);
  c.input({ type: 'send', packet: { type: 'DEVICE_CONFIG', info: { uid: 'u', enc: [0, 1] } } });
  pass(c, s);
  s.input({ type: 'send', packet: { type: 'SET_DEVICE_CONFIG', rules: { encryptionLevel: 1 } } });
  pass(s, c);
  c.advance(50); // the client's pure ACK of SET_DEVICE_CONFIG, sealed (its unreliable counter 1)
  const ackOfSdc = c.sent();
  s.receive(...ackOfSdc);
  return { c, s, client, server, ackOfSdc, pass };
}

/** B.8 steps 6–7 after `throughSetDeviceConfig`: the server's sealed SET_TIME, what the client delivers, its ACK. */
export function b8SetTimeAndAck({ c, s }: { c: H; s: H }) {
  s.take();
  s.input({ type: 'send', packet: { type: 'SET_TIME', timeMs: 1795289000000, utcOffsetMin: 0 } });
  const setTime = s.sent();
  c.receive(...setTime);
  const delivered = c.emitted('deliver').at(-1)?.packet;
  c.advance(50);
  return { setTime, delivered, ack: c.sent() };
}
