// Presentation only: one PQ message as one line of text. Names and texts come from the codec (the one source of
// truth for every wire constant); this file decides nothing about the protocol.
import {
  type OptionalRecord,
  type PqMessage,
  type PqMessageTag,
  type StatusDirection,
  statusName,
} from '@portico/pq-codec';

const TYPE_SYMBOL: Record<PqMessageTag, string> = {
  D: 'DATAFRAME_SRVREQUEST',
  d: 'DATAFRAME_SRVREPLY',
  x: 'DATAFRAME_SRVNACK',
  C: 'ENCODED_STATUSMSG',
  c: 'ENCODED_STATUSREPLY',
  S: 'EXPLAINED_STATUSMSG',
  s: 'EXPLAINED_STATUSREPLY',
};

/** Built once: the type text of every message (one string per message would be garbage per message). */
const TYPE_TEXT = Object.fromEntries(
  Object.entries(TYPE_SYMBOL).map(([tag, symbol]) => [tag, `'${tag}' ${symbol}`]),
) as Record<PqMessageTag, string>;

/** `'C' ENCODED_STATUSMSG`: the type byte (the message's `tag`) and the spec's symbol. */
export function typeSymbol(tag: PqMessageTag): string {
  return TYPE_TEXT[tag];
}

/** float32 values printed with the 7 significant digits a float32 holds, not the float64 expansion. */
const f32 = (x: number): string => String(Number(x.toPrecision(7)));

function recordValue(r: OptionalRecord): string {
  switch (r.kind) {
    case 'float':
      return f32(r.value);
    case 'float[]':
      return `[${Array.from(r.values, f32).join(', ')}]`;
    case 'string':
      return JSON.stringify(r.value);
    case 'int32[]':
    case 'uint32[]':
      return `[${Array.from(r.values).join(', ')}]`;
    case 'uint32':
      return r.name === 'ServerVersion' ? `0x${r.value.toString(16).padStart(8, '0')}` : String(r.value);
    default:
      return String(r.value);
  }
}

export function formatRecords(records: readonly OptionalRecord[]): string {
  return records.map((r) => `${r.name}=${recordValue(r)}`).join(' ');
}

/**
 * The sender decides how a status value is named (pq.md §3.4): a server sends E_ERROR_CODES, a client
 * E_STOPREASON_CODES, and the answer to a status carries the answering side's codes. When the sender is not known,
 * both readings are shown.
 */
function statusText(status: number, from: StatusDirection | undefined): string {
  if (from !== undefined) return statusName(status, from);
  return `server:${statusName(status, 'server')}|client:${statusName(status, 'client')}`;
}

/** The fields of a message in one line, without its type. */
export function formatPqFields(m: PqMessage, from: StatusDirection | undefined): string {
  switch (m.type) {
    case 'DataframeRequest':
      return `type=${m.measurementType} pixels=${m.pixelsX}x${m.pixelsY} pattern=${m.scanningPattern} resolution=${f32(m.spatialResolution)} m ${formatRecords(m.records)}`;
    case 'DataFrame':
      return `#${m.recordNumber} type=${m.measurementType} ${formatRecords(m.records)}`;
    case 'ExplainedStatus':
    case 'ExplainedStatusReply':
      return `${m.status} ${statusText(m.status, from)} ${JSON.stringify(m.text)}`;
    default:
      return `${m.status} ${statusText(m.status, from)}`;
  }
}

export function formatPqMessage(m: PqMessage, from: StatusDirection | undefined): string {
  return `${typeSymbol(m.tag)} ${formatPqFields(m, from)}`;
}
