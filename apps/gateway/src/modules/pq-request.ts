import { decode, readRequestFields, type TextEncoding } from '@portico/pq-codec';

/**
 * PQ-13 "the server request data of the current (last) request are decoded and shown", beside the bytes of the
 * request, as SymPhoTime's Server Dialog shows them. `hex` is the request exactly as it was read from the client's
 * socket (pq-server's `received` event), and `decoded` is those bytes decoded.
 */
export interface PqRequestView {
  measurement: number;
  /** The message's name (pq-codec's discriminant, e.g. DataframeRequest), never its wire letter. */
  message: string;
  decoded: Record<string, unknown>;
  bytes: number;
  hex: string;
}

/** Typed arrays and nested records → plain JSON. */
function plain(v: unknown): unknown {
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>);
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === 'bigint') return v.toString();
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

/**
 * One request as received: its bytes, and those bytes decoded (header fields, optional records read by name, and the
 * records as they came). Undefined when the bytes are not a 'D' (pq-server announced them as one, so only a defect).
 */
export function describeRequest(
  measurement: number,
  wire: Uint8Array,
  encoding: TextEncoding,
): PqRequestView | undefined {
  const request = decode(wire, { encoding });
  if (request.type !== 'DataframeRequest') return undefined;
  // The discriminant is the message's name (pq-codec); its wire letter (`tag`) is in the bytes below.
  const { type, tag: _tag, records, ...header } = request;
  return {
    measurement,
    message: type,
    decoded: plain({ ...header, fields: readRequestFields(records), records }) as Record<string, unknown>,
    bytes: wire.length,
    hex: Buffer.from(wire).toString('hex'),
  };
}
