// B.3/B.4: the TLV payloads of CONNECT_REQUEST (seed step 1) and CONNECT_ACCEPT (step 2).
import { type ByteWriter, MalformedInputError } from '@portico/wire';
import { SMARTTE_LIMITS, Tag } from './constants.js';
import { checkInt, SmartTeErrorCode } from './errors.js';
import type { ConnectAccept, ConnectRequest, PacketHeaderFields, Tlv } from './packets.js';
import { decodeText, encodeText } from './text.js';
import { fixedTlv, fixedTlvStart, missingTlv, readTlvs, type TlvEntry, unknownTlvs, writeTlvs } from './tlv.js';

const REQUEST_TAGS = new Set<number>([
  Tag.UID,
  Tag.DEVICE_TYPE,
  Tag.CLIENT_VERSION,
  Tag.SESSION_INDEX,
  Tag.CLIENT_NONCE,
  Tag.CLIENT_KEY,
  Tag.RESUME_PROOF,
]);
const ACCEPT_TAGS = new Set<number>([Tag.PORT, Tag.CLIENT_NONCE, Tag.RESUMED, Tag.SERVER_KEY]);

function required(m: Map<number, TlvEntry>, tag: number, name: string, end: number): TlvEntry {
  const e = m.get(tag);
  if (e === undefined) throw missingTlv(name, tag, end);
  return e;
}

const text = (e: TlvEntry): string => decodeText(e.payload, e.offset, e.start, e.start + e.length);

export function decodeConnectRequest(h: PacketHeaderFields, payload: Uint8Array, base: number): ConnectRequest {
  const m = readTlvs(payload, base);
  const end = base + payload.length;
  const p: ConnectRequest = {
    type: 'CONNECT_REQUEST',
    ...h,
    uid: text(required(m, Tag.UID, 'UID', end)),
    deviceType: text(required(m, Tag.DEVICE_TYPE, 'DEVICE_TYPE', end)),
    clientVersion: text(required(m, Tag.CLIENT_VERSION, 'CLIENT_VERSION', end)),
    sessionIndex: 0,
    clientNonce: fixedTlv(
      required(m, Tag.CLIENT_NONCE, 'CLIENT_NONCE', end),
      Tag.CLIENT_NONCE,
      SMARTTE_LIMITS.clientNonceSize,
      'CLIENT_NONCE',
    ),
  };
  const index = m.get(Tag.SESSION_INDEX);
  if (index) p.sessionIndex = index.payload[fixedTlvStart(index, Tag.SESSION_INDEX, 1, 'SESSION_INDEX')]!;
  const key = m.get(Tag.CLIENT_KEY);
  if (key) p.clientKey = fixedTlv(key, Tag.CLIENT_KEY, SMARTTE_LIMITS.publicKeySize, 'CLIENT_KEY');
  const proof = m.get(Tag.RESUME_PROOF);
  if (proof) p.resumeProof = fixedTlv(proof, Tag.RESUME_PROOF, SMARTTE_LIMITS.resumeProofSize, 'RESUME_PROOF');
  const unknown = unknownTlvs(m, (t) => REQUEST_TAGS.has(t));
  if (unknown.length > 0) p.unknown = unknown;
  return p;
}

export function decodeConnectAccept(h: PacketHeaderFields, payload: Uint8Array, base: number): ConnectAccept {
  const m = readTlvs(payload, base);
  const end = base + payload.length;
  const portTlv = required(m, Tag.PORT, 'PORT', end);
  const at = fixedTlvStart(portTlv, Tag.PORT, 2, 'PORT');
  const p: ConnectAccept = {
    type: 'CONNECT_ACCEPT',
    ...h,
    port: (portTlv.payload[at]! << 8) | portTlv.payload[at + 1]!,
    clientNonce: fixedTlv(
      required(m, Tag.CLIENT_NONCE, 'CLIENT_NONCE', end),
      Tag.CLIENT_NONCE,
      SMARTTE_LIMITS.clientNonceSize,
      'CLIENT_NONCE',
    ),
    resumed: false,
  };
  const resumed = m.get(Tag.RESUMED);
  if (resumed) {
    const v = resumed.payload[fixedTlvStart(resumed, Tag.RESUMED, 1, 'RESUMED')]!;
    if (v > 1) {
      throw new MalformedInputError({
        code: SmartTeErrorCode.BAD_VALUE,
        offset: resumed.offset,
        what: 'TLV RESUMED',
        expected: '0 or 1',
        got: String(v),
      });
    }
    p.resumed = v === 1;
  }
  const key = m.get(Tag.SERVER_KEY);
  if (key) p.serverKey = fixedTlv(key, Tag.SERVER_KEY, SMARTTE_LIMITS.publicKeySize, 'SERVER_KEY');
  const unknown = unknownTlvs(m, (t) => ACCEPT_TAGS.has(t));
  if (unknown.length > 0) p.unknown = unknown;
  return p;
}

function bytesOf(name: string, value: Uint8Array, size: number, offset: number): Uint8Array {
  if (value.length !== size) {
    throw new MalformedInputError({
      code: SmartTeErrorCode.TLV_BAD_LENGTH,
      offset,
      what: name,
      expected: `${size} bytes`,
      got: `${value.length}`,
    });
  }
  return value;
}

function checkUnknown(unknown: readonly Tlv[] | undefined, known: ReadonlySet<number>, offset: number): void {
  for (const t of unknown ?? []) {
    if (known.has(t.tag)) {
      throw new MalformedInputError({
        code: SmartTeErrorCode.TLV_DUPLICATE,
        offset,
        what: 'unknown TLV',
        expected: 'a tag this packet type does not define',
        got: `0x${t.tag.toString(16).padStart(2, '0')}`,
      });
    }
  }
}

export function encodeConnectRequest(w: ByteWriter, p: ConnectRequest): void {
  const at = w.length;
  checkUnknown(p.unknown, REQUEST_TAGS, at);
  // Listed in tag order (writeTlvs then needs no sort).
  const tlvs: Tlv[] = [
    { tag: Tag.UID, value: encodeText(p.uid) },
    { tag: Tag.DEVICE_TYPE, value: encodeText(p.deviceType) },
    { tag: Tag.CLIENT_VERSION, value: encodeText(p.clientVersion) },
  ];
  // B.4: "Encoders omit a tag whose value equals its default."
  if (checkInt('SESSION_INDEX', p.sessionIndex, 0, 0xff, at) !== 0) {
    tlvs.push({ tag: Tag.SESSION_INDEX, value: Uint8Array.of(p.sessionIndex) });
  }
  tlvs.push({
    tag: Tag.CLIENT_NONCE,
    value: bytesOf('CLIENT_NONCE', p.clientNonce, SMARTTE_LIMITS.clientNonceSize, at),
  });
  if (p.clientKey !== undefined) {
    tlvs.push({ tag: Tag.CLIENT_KEY, value: bytesOf('CLIENT_KEY', p.clientKey, SMARTTE_LIMITS.publicKeySize, at) });
  }
  if (p.resumeProof !== undefined) {
    tlvs.push({
      tag: Tag.RESUME_PROOF,
      value: bytesOf('RESUME_PROOF', p.resumeProof, SMARTTE_LIMITS.resumeProofSize, at),
    });
  }
  writeTlvs(w, tlvs, p.unknown);
}

export function encodeConnectAccept(w: ByteWriter, p: ConnectAccept): void {
  const at = w.length;
  checkUnknown(p.unknown, ACCEPT_TAGS, at);
  const port = checkInt('PORT', p.port, 0, 0xffff, at);
  // Listed in tag order (writeTlvs then needs no sort).
  const tlvs: Tlv[] = [
    { tag: Tag.CLIENT_NONCE, value: bytesOf('CLIENT_NONCE', p.clientNonce, SMARTTE_LIMITS.clientNonceSize, at) },
    { tag: Tag.PORT, value: Uint8Array.of(port >>> 8, port & 0xff) },
  ];
  if (p.resumed) tlvs.push({ tag: Tag.RESUMED, value: Uint8Array.of(1) });
  if (p.serverKey !== undefined) {
    tlvs.push({ tag: Tag.SERVER_KEY, value: bytesOf('SERVER_KEY', p.serverKey, SMARTTE_LIMITS.publicKeySize, at) });
  }
  writeTlvs(w, tlvs, p.unknown);
}
