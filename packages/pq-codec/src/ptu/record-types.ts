import { PtuRecordType, type PtuRecordTypeName } from './constants.js';

/** How to decode one TTTR record type (pq.md §7 bit layouts; ptudemo.cc ProcessPHT2/PHT3/HHT2/HHT3). */
export interface PtuRecordTypeInfo {
  code: number;
  name: PtuRecordTypeName;
  mode: 'T2' | 'T3';
  /** Bit layout: PicoHarp (channel 4 | …) or HydraHarp (special 1 | channel 6 | …, also TimeHarp 260 and Generic). */
  layout: 'PicoHarp' | 'HydraHarp';
  /**
   * Overflow semantics: 1 = every overflow record is exactly one wrap (PicoHarp; HydraHarp v1, whose T2 wrap is
   * 33552000); 2 = the overflow record carries the count (0 meaning 1).
   */
  version: 1 | 2;
  /** Time-tag (T2) or nsync (T3) units added per overflow. */
  wrap: number;
  /**
   * The photon channels a record of this type can carry, numbered as `PtuBatch.channel` and ptudemo.cc number them:
   * PicoHarp T2 0..4 (ProcessPHT2: "Illegal Chan" above 4), PicoHarp T3 1..4 (ProcessPHT3: channel 0 "should never
   * occur in T3 mode", above 4 "should not occur"), HydraHarp-layout T3 0..63 (6-bit field), HydraHarp-layout T2
   * 0 (the sync, special channel 0) to 64 (field + 1). Channel 15 of the PicoHarp layout is the special record.
   */
  channels: { min: number; max: number };
  /** Marker bits a marker record carries: 1..15 for every type (4 marker inputs; HydraHarp special ch 1..15). */
  markers: { min: number; max: number };
}

function info(
  name: PtuRecordTypeName,
  layout: 'PicoHarp' | 'HydraHarp',
  version: 1 | 2,
  wrap: number,
): PtuRecordTypeInfo {
  const code = PtuRecordType[name];
  const mode = ((code >>> 8) & 0xff) === 2 ? 'T2' : 'T3';
  let channels: { min: number; max: number };
  if (layout === 'PicoHarp') channels = mode === 'T2' ? { min: 0, max: 4 } : { min: 1, max: 4 };
  else channels = mode === 'T2' ? { min: 0, max: 64 } : { min: 0, max: 63 };
  return { code, name, mode, layout, version, wrap, channels, markers: { min: 1, max: 15 } };
}

const TABLE: readonly PtuRecordTypeInfo[] = [
  // pq.md §7: "PicoHarp T2: … Wrap 210698240", "PicoHarp T3: … Wrap 65536".
  info('PicoHarpT2', 'PicoHarp', 1, 210698240),
  info('PicoHarpT3', 'PicoHarp', 1, 65536),
  // pq.md §7: "HHv1 (0x00010204) = one overflow of 33552000. Others: count = timetag (0 ⇒ 1), wrap 33554432."
  info('HydraHarpT2', 'HydraHarp', 1, 33552000),
  info('HydraHarp2T2', 'HydraHarp', 2, 33554432),
  info('TimeHarp260NT2', 'HydraHarp', 2, 33554432),
  info('TimeHarp260PT2', 'HydraHarp', 2, 33554432),
  info('GenericT2', 'HydraHarp', 2, 33554432),
  // pq.md §7: "HH/…/Generic T3: … Wrap 1024. … count = nsync for v2+, 0 or v1 ⇒ 1".
  info('HydraHarpT3', 'HydraHarp', 1, 1024),
  info('HydraHarp2T3', 'HydraHarp', 2, 1024),
  info('TimeHarp260NT3', 'HydraHarp', 2, 1024),
  info('TimeHarp260PT3', 'HydraHarp', 2, 1024),
  info('GenericT3', 'HydraHarp', 2, 1024),
];
const BY_CODE = new Map(TABLE.map((i) => [i.code, i]));

/** The decoding description of a TTResultFormat_TTTRRecType value, or undefined if it is not one of pq.md §7's. */
export function recordTypeInfo(code: number): PtuRecordTypeInfo | undefined {
  return BY_CODE.get(code);
}
/** All supported record types. */
export function recordTypes(): readonly PtuRecordTypeInfo[] {
  return TABLE;
}
