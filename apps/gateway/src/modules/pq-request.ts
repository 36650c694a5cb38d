import { type DataframeRequest, encode, readRequestFields, type TextEncoding } from '@portico/pq-codec';
import { type MeasurementBackend, type PqServerOptions, pqServerBackend } from '@portico/pq-server';

/**
 * PQ-13 "the server request data of the current (last) request are decoded and shown", beside the bytes of the
 * request, as SymPhoTime's Server Dialog shows them. The bytes are the request as pq-codec encodes it in the server's
 * text encoding (pq-server hands its backend the decoded request, not the bytes read).
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

/** One request decoded: its header fields, its optional records read by name, and the records as they came. */
export function describeRequest(measurement: number, request: DataframeRequest, encoding: TextEncoding): PqRequestView {
  // The discriminant is the message's name (pq-codec); its wire letter (`tag`) is in the bytes below.
  const { type, tag: _tag, records, ...header } = request;
  const bytes = encode(request, { encoding });
  return {
    measurement,
    message: type,
    decoded: plain({ ...header, fields: readRequestFields(records), records }) as Record<string, unknown>,
    bytes: bytes.length,
    hex: Buffer.from(bytes).toString('hex'),
  };
}

/**
 * The backend createPqServer would build from these options (a simulator, or the relay to an upstream SymPhoTime),
 * with every request it is asked to start shown to `onStart` first. Passed to createPqServer as `backend`.
 */
export function observedBackend(
  options: PqServerOptions,
  onStart: (request: DataframeRequest) => void,
): MeasurementBackend {
  const inner = pqServerBackend(options);
  return {
    name: inner.name,
    start(request, plan, sink) {
      onStart(request);
      return inner.start(request, plan, sink);
    },
    close: () => inner.close(),
    ...(inner.clients === undefined ? {} : { clients: (n: number) => inner.clients?.(n) }),
  };
}
