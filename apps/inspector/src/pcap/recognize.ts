// Which protocol a TCP connection or UDP datagram carries: by content first (the "PQSPT" magic at offset 3 of a PQ
// header, pq.md §1; the `<LRSN` greeting or any XML line, LR-04/LR-07; the "ST" magic and version of a SmartTE
// header, smartte.md B.1), so non-default ports work, and by the default ports otherwise (PQ-01, LR-01, B.A).
import { MAGIC, MAGIC_OFFSET } from '@portico/pq-codec';
import { PQ_DEFAULT_PORT } from '@portico/pq-server/conformance';
import { SMARTTE_MAGIC, SMARTTE_PORTS, SMARTTE_VERSION } from '@portico/smartte-codec';
import { LRSN_DEFAULT_PORT } from '@portico/lrsn-server/conformance';
import type { Protocol } from '../message.js';

export interface Recognition {
  protocol: Protocol;
  by: string;
}

const LRSN_GREETING = new TextEncoder().encode('<LRSN');

function startsWith(bytes: Uint8Array, prefix: Uint8Array, at = 0): boolean {
  if (bytes.length < at + prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[at + i] !== prefix[i]) return false;
  return true;
}

function firstNonBlank(bytes: Uint8Array): number | undefined {
  for (const b of bytes) if (b !== 0x20 && b !== 0x09 && b !== 0x0d && b !== 0x0a) return b;
  return undefined;
}

/** `streams`: the first bytes of each direction. */
export function recognizeTcp(streams: readonly Uint8Array[], ports: readonly number[]): Recognition | undefined {
  if (streams.some((s) => startsWith(s, MAGIC, MAGIC_OFFSET))) return { protocol: 'pq', by: 'content ("PQSPT" magic)' };
  if (streams.some((s) => startsWith(s, LRSN_GREETING))) return { protocol: 'lrsn', by: 'content (<LRSN greeting)' };
  if (ports.includes(PQ_DEFAULT_PORT)) return { protocol: 'pq', by: `port ${PQ_DEFAULT_PORT}` };
  if (ports.includes(LRSN_DEFAULT_PORT)) return { protocol: 'lrsn', by: `port ${LRSN_DEFAULT_PORT}` };
  if (streams.some((s) => s.length > 0) && streams.every((s) => s.length === 0 || firstNonBlank(s) === 0x3c)) {
    return { protocol: 'lrsn', by: 'content (XML lines)' };
  }
  return undefined;
}

export function recognizeUdp(payload: Uint8Array, ports: readonly number[]): Recognition | undefined {
  if (payload.length >= 3 && ((payload[0]! << 8) | payload[1]!) === SMARTTE_MAGIC && payload[2] === SMARTTE_VERSION) {
    return { protocol: 'smartte', by: 'content ("ST" header)' };
  }
  if (ports.includes(SMARTTE_PORTS.server) || ports.includes(SMARTTE_PORTS.client)) {
    return {
      protocol: 'smartte',
      by: `port ${ports.includes(SMARTTE_PORTS.server) ? SMARTTE_PORTS.server : SMARTTE_PORTS.client}`,
    };
  }
  return undefined;
}
