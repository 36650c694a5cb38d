/** What a decoded event is. Overflow records are consumed by the time unwrapping and never emitted. */
export const PtuEventKind = {
  /** A photon (in T2 also the sync channel, channel 0, as in ptudemo.cc). */
  Photon: 0,
  /** A marker record: `channel` holds the marker bits. */
  Marker: 1,
} as const;
export type PtuEventKind = (typeof PtuEventKind)[keyof typeof PtuEventKind];

interface PtuBatchBase {
  /** Events in this batch (photons + markers). */
  length: number;
  /**
   * Photon: the input channel as PicoQuant's ptudemo.cc numbers it (T3: the record's channel field; HydraHarp-layout T2:
   * channel field + 1 with 0 = sync; PicoHarp T2: the channel field). Marker: the marker bits.
   */
  channel: Uint8Array;
  /** PtuEventKind per event. */
  kind: Uint8Array;
  /** Index (0-based, in the file) of the first record this batch decoded. */
  firstRecord: number;
  /** Records this batch decoded, overflow and ignored special records included. */
  records: number;
}

/**
 * T3 events. `nsync` is the absolute sync count (overflows applied) as an unsigned 64-bit integer: exact for any file,
 * where a float would round once counts pass 2^53. Time = nsync · MeasDesc_GlobalResolution.
 */
export interface PtuT3Batch extends PtuBatchBase {
  mode: 'T3';
  nsync: BigUint64Array;
  /**
   * Photon: micro-time in MeasDesc_Resolution units. Marker: the record's raw 15-bit dtime field (HydraHarp layout) or
   * the full 12-bit marker field (PicoHarp T3), so nothing in the record is dropped.
   */
  dtime: Uint16Array;
}

/** T2 events. `timetag` is the absolute time tag in MeasDesc_GlobalResolution units (1 ps T2 passes 2^53 in 2.5 h). */
export interface PtuT2Batch extends PtuBatchBase {
  mode: 'T2';
  timetag: BigUint64Array;
}

/** A batch of decoded TTTR events, T3 or T2 after the file's record type (`mode`). */
export type PtuBatch = PtuT3Batch | PtuT2Batch;

/** Output arrays the record decoder fills; `time32` is a 32-bit view of `time`'s buffer. */
export interface PtuEventBuffers {
  time: BigUint64Array;
  time32: Uint32Array;
  dtime: Uint16Array;
  channel: Uint8Array;
  kind: Uint8Array;
}

/**
 * Allocates the output arrays of a record decoder for `capacity` events (one per record at most); `dtime` is empty
 * in T2 mode, which has no micro-time.
 */
export function allocEventBuffers(mode: 'T2' | 'T3', capacity: number): PtuEventBuffers {
  const time = new BigUint64Array(capacity);
  return {
    time,
    time32: new Uint32Array(time.buffer),
    dtime: new Uint16Array(mode === 'T3' ? capacity : 0),
    channel: new Uint8Array(capacity),
    kind: new Uint8Array(capacity),
  };
}

/** Wraps `length` events of `out` from event `from` on as a batch (views, no copy). */
export function toBatch(
  mode: 'T2' | 'T3',
  out: PtuEventBuffers,
  length: number,
  firstRecord: number,
  records: number,
  from = 0,
): PtuBatch {
  const to = from + length;
  const base = {
    length,
    channel: out.channel.subarray(from, to),
    kind: out.kind.subarray(from, to),
    firstRecord,
    records,
  };
  return mode === 'T3'
    ? { mode, ...base, nsync: out.time.subarray(from, to), dtime: out.dtime.subarray(from, to) }
    : { mode, ...base, timetag: out.time.subarray(from, to) };
}
