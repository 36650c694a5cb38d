// fast-check arbitraries for every SmartTE packet, in the canonical form `decode` returns (ack and optional fields
// present only when set, unknown TLVs ascending and only when non-empty).
import fc from 'fast-check';
import { DEVICE_INFO_KEYS, type DeviceInfo, type Packet, type Tlv } from '../index.js';

const u8 = fc.nat(0xff);
const u16 = fc.nat(0xffff);
const u32 = fc.nat(0xffff_ffff);
/** Any valid Unicode text (no lone surrogates, so UTF-8 round-trips). */
const text = (maxLength: number) => fc.string({ unit: 'binary', maxLength });
const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });

const header = fc
  .record({ seq: u16, ack: fc.option(u16, { nil: undefined }), token: u32 })
  .map(({ seq, ack, token }) => (ack === undefined ? { seq, token } : { seq, ack, token }));

const optional = <T extends object>(o: T): T => {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
};

function unknownTlvs(isKnown: (tag: number) => boolean): fc.Arbitrary<Tlv[] | undefined> {
  return fc
    .uniqueArray(fc.record({ tag: u8.filter((t) => !isKnown(t)), value: fc.uint8Array({ maxLength: 12 }) }), {
      selector: (t) => t.tag,
      maxLength: 3,
    })
    .map((a) => (a.length === 0 ? undefined : a.sort((x, y) => x.tag - y.tag)));
}

const known =
  (...tags: number[]) =>
  (t: number) =>
    tags.includes(t);

export const deviceInfo: fc.Arbitrary<DeviceInfo> = fc
  .record(
    {
      uid: text(12),
      type: text(12),
      ver: text(12),
      cols: fc.nat(999),
      rows: fc.nat(999),
      os: text(12),
      kbd: fc.boolean(),
      backlight: fc.boolean(),
      enc: fc.array(fc.nat(255), { maxLength: 3 }),
      multi: fc.nat(10),
      voice: fc.boolean(),
      unknown: fc.uniqueArray(
        fc.tuple(
          text(8).filter((k) => k !== '' && !(DEVICE_INFO_KEYS as readonly string[]).includes(k)),
          text(8),
        ),
        { selector: (t) => t[0], minLength: 1, maxLength: 3 },
      ),
    },
    { requiredKeys: [] },
  )
  .map((o) => o as DeviceInfo);

const body: fc.Arbitrary<Omit<Packet, 'seq' | 'ack' | 'token'>> = fc.oneof(
  fc
    .record({
      type: fc.constant('CONNECT_REQUEST' as const),
      uid: text(20),
      deviceType: text(20),
      clientVersion: text(20),
      sessionIndex: u8,
      clientNonce: bytes(8),
      clientKey: fc.option(bytes(32), { nil: undefined }),
      resumeProof: fc.option(bytes(32), { nil: undefined }),
      unknown: unknownTlvs(known(1, 2, 3, 4, 5, 6, 10)),
    })
    .map(optional),
  fc
    .record({
      type: fc.constant('CONNECT_ACCEPT' as const),
      port: u16,
      clientNonce: bytes(8),
      resumed: fc.boolean(),
      serverKey: fc.option(bytes(32), { nil: undefined }),
      unknown: unknownTlvs(known(5, 7, 8, 9)),
    })
    .map(optional),
  fc.record({ type: fc.constantFrom('CONNECT_REJECT' as const, 'DISCONNECT' as const), reason: u8, text: text(40) }),
  fc
    .record({
      type: fc.constantFrom('REGISTER_REQUEST' as const, 'REGISTER_ACCEPT' as const),
      lastDelivered: fc.option(u32, { nil: undefined }),
    })
    .map(optional),
  fc.record({ type: fc.constantFrom('GET_DEVICE_CONFIG' as const, 'ACK' as const, 'SYNC' as const) }),
  fc.record({ type: fc.constant('DEVICE_CONFIG' as const), info: deviceInfo }),
  fc.record({
    type: fc.constant('SET_DEVICE_CONFIG' as const),
    rules: fc
      .record(
        {
          keyboardTimeoutS: u16,
          backlightTimeoutS: u16,
          encryptionLevel: fc.nat(2),
          multiSession: fc.nat(10),
          headless: fc.boolean(),
          voice: fc.boolean(),
        },
        { requiredKeys: [] },
      )
      .chain((rules) =>
        unknownTlvs(known(0x20, 0x21, 0x22, 0x23, 0x24, 0x25)).map((unknown) =>
          unknown === undefined ? rules : { ...rules, unknown },
        ),
      ),
  }),
  fc.record({
    type: fc.constant('SET_TIME' as const),
    timeMs: fc.nat({ max: Number.MAX_SAFE_INTEGER }),
    utcOffsetMin: fc.integer({ min: -0x8000, max: 0x7fff }),
  }),
  fc.record({
    type: fc.constant('HOST_MENU' as const),
    hosts: fc.array(fc.record({ id: u16, name: text(8) }), { maxLength: 32 }),
  }),
  fc.record({ type: fc.constant('HOST_SELECT' as const), hostId: u16 }),
  fc.record({ type: fc.constant('DATA' as const), data: fc.uint8Array({ maxLength: 1168 }) }),
  fc.record({
    type: fc.constantFrom('ECHO_REQUEST' as const, 'ECHO_RESPONSE' as const),
    echo: u16,
    filler: fc.uint8Array({ maxLength: 64 }),
  }),
  fc.record({ type: fc.constant('ERROR' as const), code: u16, text: text(40) }),
);

/** Any cleartext packet that fits a sealed datagram as well as a cleartext one. */
export const packet: fc.Arbitrary<Packet> = fc.tuple(header, body).map(([h, b]) => ({ ...b, ...h }) as Packet);
