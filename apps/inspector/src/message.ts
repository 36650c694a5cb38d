// One decoded (or damaged) message as every command sees it, whatever the protocol: where it starts, who sent it if
// that is known, what the codec made of it, and its raw bytes.
import type { CodecError } from '@portico/wire';

export type Protocol = 'pq' | 'lrsn' | 'smartte';
export const PROTOCOLS: readonly Protocol[] = ['pq', 'lrsn', 'smartte'];
export type Side = 'client' | 'server';

export interface Endpoint {
  address: string;
  port: number;
}

export function endpointText(e: Endpoint): string {
  return e.address.includes(':') ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`;
}

export interface Damage {
  code: string;
  /** Offset of the problem in the input or stream (the codec's offset, rebased). */
  offset: number;
  message: string;
}

export interface InspectedMessage {
  protocol: Protocol;
  /** Byte offset of the first raw byte in its input (a file, or one direction of a TCP stream). */
  offset: number;
  /** Who sent it: known from the capture, or from the message type when only one side may send it. */
  from?: Side;
  /** The message type in the protocol's own words, e.g. `'C' ENCODED_STATUSMSG`, `LoginAck`, `CONNECT_ACCEPT`. */
  type: string;
  /** The fields in one line, for people. */
  summary: string;
  /** The codec's decoded value (absent for damage). */
  message?: unknown;
  raw: Uint8Array;
  /** Bytes the codec refused: the error and the bytes skipped until the next message could be found. */
  damage?: Damage;
  /** Capture time in ms since the epoch (pcap only). */
  time?: number;
  /** Capture packet that completed the message (pcap only). */
  packet?: number;
  /** Addresses (pcap only). */
  src?: Endpoint;
  dst?: Endpoint;
}

export function damageOf(e: CodecError, base: number): Damage {
  return { code: e.code, offset: base + e.offset, message: e.message };
}

/**
 * A message the codec accepted. Its summary is a getter: the fields are formatted (by `format`) only when the
 * message is printed, so a capture decoded for `check` formats none. A spread (`{ ...m }`) copies the text, so
 * copies stay plain values.
 */
export function decodedMessage<M>(
  protocol: Protocol,
  offset: number,
  type: string,
  message: M,
  raw: Uint8Array,
  from: Side | undefined,
  format: (message: M, from: Side | undefined) => string,
): InspectedMessage {
  return from === undefined
    ? {
        protocol,
        offset,
        type,
        message,
        raw,
        get summary() {
          return format(message, undefined);
        },
      }
    : {
        protocol,
        offset,
        from,
        type,
        message,
        raw,
        get summary() {
          return format(message, from);
        },
      };
}
