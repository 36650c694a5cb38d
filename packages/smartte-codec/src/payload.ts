// B.3: payload of every packet type, from bytes and back. Every payload must be consumed exactly.
import { ByteReader, type ByteWriter, LimitExceededError, MalformedInputError } from '@portico/wire';
import { type PacketTypeName, SMARTTE_LIMITS } from './constants.js';
import { decodeConnectAccept, decodeConnectRequest, encodeConnectAccept, encodeConnectRequest } from './connect.js';
import { formatDeviceInfo, parseDeviceInfo } from './device-info.js';
import { checkInt, SmartTeErrorCode } from './errors.js';
import type { HostEntry, Packet, PacketHeaderFields } from './packets.js';
import { decodeRules, encodeRules } from './rules.js';
import { decodeSackBlocks, encodeSackBlocks } from './sack.js';
import { decodeText, encodeText } from './text.js';

function trailing(r: ByteReader, what: string): void {
  if (r.remaining !== 0) {
    throw new MalformedInputError({
      code: SmartTeErrorCode.TRAILING_BYTES,
      offset: r.offset,
      what: `${what} payload`,
      expected: 'no further bytes',
      got: `${r.remaining}`,
    });
  }
}

function limit(offset: number, what: string, max: number, got: number): LimitExceededError {
  return new LimitExceededError({
    code: SmartTeErrorCode.TOO_LARGE,
    offset,
    what,
    expected: `at most ${max}`,
    got: String(got),
  });
}

/** Decodes the cleartext payload of a packet whose header has been read; `base` is the payload's absolute offset. */
export function decodePayload(type: PacketTypeName, h: PacketHeaderFields, payload: Uint8Array, base: number): Packet {
  switch (type) {
    case 'CONNECT_REQUEST':
      return decodeConnectRequest(h, payload, base);
    case 'CONNECT_ACCEPT':
      return decodeConnectAccept(h, payload, base);
    case 'DEVICE_CONFIG':
      return { type, ...h, info: parseDeviceInfo(payload, base) };
    case 'SET_DEVICE_CONFIG':
      return { type, ...h, rules: decodeRules(payload, base) };
    case 'DATA':
      return { type, ...h, data: payload };
    case 'ACK':
      return payload.length === 0 ? { type, ...h } : { type, ...h, sack: decodeSackBlocks(payload, base) };
    default:
      break;
  }
  const r = new ByteReader(payload, {
    littleEndian: false,
    baseOffset: base,
    truncatedCode: SmartTeErrorCode.TRUNCATED,
  });
  let p: Packet;
  switch (type) {
    case 'GET_DEVICE_CONFIG':
    case 'SYNC':
      p = { type, ...h };
      break;
    case 'CONNECT_REJECT':
    case 'DISCONNECT':
      p = { type, ...h, reason: r.u8(`${type} reason`), text: decodeText(r.rest(), base + 1) };
      break;
    case 'ERROR':
      p = { type, ...h, code: r.u16(undefined, 'ERROR code'), text: decodeText(r.rest(), base + 2) };
      break;
    case 'REGISTER_REQUEST':
    case 'REGISTER_ACCEPT':
      p =
        r.remaining === 0 ? { type, ...h } : { type, ...h, lastDelivered: r.u32(undefined, `${type} last delivered`) };
      break;
    case 'SET_TIME': {
      const ms = r.u64(undefined, 'SET_TIME time');
      if (ms > BigInt(Number.MAX_SAFE_INTEGER)) {
        throw new MalformedInputError({
          code: SmartTeErrorCode.BAD_VALUE,
          offset: base,
          what: 'SET_TIME time',
          expected: `at most ${Number.MAX_SAFE_INTEGER} ms`,
          got: String(ms),
        });
      }
      p = { type, ...h, timeMs: Number(ms), utcOffsetMin: r.i16(undefined, 'SET_TIME UTC offset') };
      break;
    }
    case 'HOST_MENU': {
      const count = r.u8('HOST_MENU count');
      if (count > SMARTTE_LIMITS.maxHosts) throw limit(base, 'HOST_MENU host count', SMARTTE_LIMITS.maxHosts, count);
      const hosts: HostEntry[] = [];
      for (let i = 0; i < count; i++) {
        const id = r.u16(undefined, 'HOST_MENU host id');
        const at = r.offset;
        const len = r.u8('HOST_MENU name length');
        if (len > SMARTTE_LIMITS.maxHostNameBytes) {
          throw limit(at, 'HOST_MENU host name length', SMARTTE_LIMITS.maxHostNameBytes, len);
        }
        hosts.push({ id, name: decodeText(r.bytesView(len, 'HOST_MENU host name'), at + 1) });
      }
      p = { type, ...h, hosts };
      break;
    }
    case 'HOST_SELECT':
      p = { type, ...h, hostId: r.u16(undefined, 'HOST_SELECT host id') };
      break;
    default: {
      // ECHO_REQUEST / ECHO_RESPONSE
      const echo = r.u16(undefined, `${type} number`);
      if (r.remaining > SMARTTE_LIMITS.maxEchoFiller) {
        throw limit(r.offset, `${type} filler`, SMARTTE_LIMITS.maxEchoFiller, r.remaining);
      }
      p = { type: type as 'ECHO_REQUEST' | 'ECHO_RESPONSE', ...h, echo, filler: r.rest() };
    }
  }
  trailing(r, type);
  return p;
}

const int = (w: ByteWriter, what: string, v: number, min: number, max: number): number =>
  checkInt(what, v, min, max, w.length);

/** Writes the cleartext payload of `p` (B.3). */
export function encodePayload(w: ByteWriter, p: Packet): void {
  switch (p.type) {
    case 'CONNECT_REQUEST':
      encodeConnectRequest(w, p);
      return;
    case 'CONNECT_ACCEPT':
      encodeConnectAccept(w, p);
      return;
    case 'CONNECT_REJECT':
    case 'DISCONNECT':
      w.u8(int(w, `${p.type} reason`, p.reason, 0, 0xff)).utf8(p.text);
      return;
    case 'ERROR':
      w.u16(int(w, 'ERROR code', p.code, 0, 0xffff), false).utf8(p.text);
      return;
    case 'REGISTER_REQUEST':
    case 'REGISTER_ACCEPT':
      if (p.lastDelivered !== undefined) w.u32(int(w, 'lastDelivered', p.lastDelivered, 0, 0xffff_ffff), false);
      return;
    case 'ACK':
      if (p.sack !== undefined && p.sack.length > 0) w.bytes(encodeSackBlocks(p.sack));
      return;
    case 'GET_DEVICE_CONFIG':
    case 'SYNC':
      return;
    case 'DEVICE_CONFIG':
      w.utf8(formatDeviceInfo(p.info));
      return;
    case 'SET_DEVICE_CONFIG':
      encodeRules(w, p.rules);
      return;
    case 'SET_TIME':
      w.u64(BigInt(int(w, 'SET_TIME time', p.timeMs, 0, Number.MAX_SAFE_INTEGER)), false);
      w.i16(int(w, 'SET_TIME UTC offset', p.utcOffsetMin, -0x8000, 0x7fff), false);
      return;
    case 'HOST_MENU': {
      if (p.hosts.length > SMARTTE_LIMITS.maxHosts) {
        throw limit(w.length, 'HOST_MENU host count', SMARTTE_LIMITS.maxHosts, p.hosts.length);
      }
      w.u8(p.hosts.length);
      for (const host of p.hosts) {
        w.u16(int(w, 'HOST_MENU host id', host.id, 0, 0xffff), false);
        const name = encodeText(host.name);
        if (name.length > SMARTTE_LIMITS.maxHostNameBytes) {
          throw limit(w.length, 'HOST_MENU host name length', SMARTTE_LIMITS.maxHostNameBytes, name.length);
        }
        w.u8(name.length).bytes(name);
      }
      return;
    }
    case 'HOST_SELECT':
      w.u16(int(w, 'HOST_SELECT host id', p.hostId, 0, 0xffff), false);
      return;
    case 'DATA':
      w.bytes(p.data);
      return;
    case 'ECHO_REQUEST':
    case 'ECHO_RESPONSE':
      if (p.filler.length > SMARTTE_LIMITS.maxEchoFiller) {
        throw limit(w.length, `${p.type} filler`, SMARTTE_LIMITS.maxEchoFiller, p.filler.length);
      }
      w.u16(int(w, 'echo number', p.echo, 0, 0xffff), false).bytes(p.filler);
      return;
  }
}
