import { MeasurementType, RECORD_VERSION, ScanningPattern } from './constants.js';
import type { DataframeRequest, OptionalRecord } from './types.js';

/**
 * The request record names SymPhoTime knows (pq.md §3.2), with their wire types. Other names are kept by the server as
 * comments in the measurement file; here they are preserved in `unknown`.
 */
export const RequestRecordName = {
  /** FLOAT [s]. */
  TimePerPixel: 'TimePerPixel',
  /** FLOAT [s]. */
  TimePerImageEstimated: 'TimePerImageEstimated',
  /** STRING ≤ 255, no extension (.ptu is added), name templates allowed. */
  Filename: 'Filename',
  /** STRING ≤ 63: workspace sub-directory. */
  Groupname: 'Groupname',
  /** STRING. */
  Comment: 'Comment',
  /** STRING ≤ 255. */
  Objective: 'Objective',
  /** STRING ≤ 255. */
  Pinhole: 'Pinhole',
  /** STRING ≤ 255. */
  MajorDichroic: 'MajorDichroic',
  /** FLOATS_ARRAY ≤ 512, "reserved for future". */
  TimeStampArray: 'TimeStampArray',
  /** LONG [Hz] (DLL ≥ 1.0.9). */
  LaserRepetitionRate: 'LaserRepetitionRate',
  /** LONG: 0 standard, 1 PIE (DLL ≥ 1.0.9). */
  LaserPulsePatternIndex: 'LaserPulsePatternIndex',
  /** LONGS_ARRAY, one per laser 0..7 (the wire form is [?] in pq.md §3.2; an 0xF1 array is assumed). */
  LaserOn: 'LaserOn',
  /** FLOATS_ARRAY [%], one per laser 0..7 (wire form assumed 0xF0). */
  LaserIntensity: 'LaserIntensity',
} as const;

/** The well-known request records as plain values. */
export interface RequestFields {
  timePerPixel?: number;
  timePerImageEstimated?: number;
  filename?: string;
  groupname?: string;
  comment?: string;
  objective?: string;
  pinhole?: string;
  majorDichroic?: string;
  timeStampArray?: ArrayLike<number>;
  laserRepetitionRate?: number;
  laserPulsePatternIndex?: number;
  laserOn?: ArrayLike<number>;
  laserIntensity?: ArrayLike<number>;
}

/** What `readRequestFields` found: the well-known values plus every other record, in order. */
export interface ReadRequestFields extends Omit<RequestFields, 'timeStampArray' | 'laserOn' | 'laserIntensity'> {
  timeStampArray?: Float32Array;
  laserOn?: Int32Array;
  laserIntensity?: Float32Array;
  /** Records with other names, or a known name in an unexpected wire type. */
  unknown: OptionalRecord[];
}

export interface BuildRequestInput extends RequestFields {
  /** Default MeasurementType.IMAGESCAN when pixels are given, else POINTMEAS. */
  measurementType?: number;
  pixelsX?: number;
  pixelsY?: number;
  scanningPattern?: number;
  /** Pixel size in metres (pq.md §3.1). Default 0. */
  spatialResolution?: number;
  recordVersion?: number;
  /** Further records, written after the well-known ones. */
  extra?: readonly OptionalRecord[];
  /** Whether string records carry a counted NUL ("recommended", pq.md §3.2; default true). */
  terminateStrings?: boolean;
}

/** The well-known fields as records, in the order of RequestRecordName. */
export function requestRecords(fields: RequestFields, terminateStrings = true): OptionalRecord[] {
  const out: OptionalRecord[] = [];
  const n = RequestRecordName;
  const float = (name: string, value: number | undefined): void => {
    if (value !== undefined) out.push({ kind: 'float', name, value });
  };
  const int = (name: string, value: number | undefined): void => {
    if (value !== undefined) out.push({ kind: 'int32', name, value });
  };
  const str = (name: string, value: string | undefined): void => {
    if (value !== undefined) out.push({ kind: 'string', name, value, terminated: terminateStrings });
  };
  float(n.TimePerPixel, fields.timePerPixel);
  float(n.TimePerImageEstimated, fields.timePerImageEstimated);
  str(n.Filename, fields.filename);
  str(n.Groupname, fields.groupname);
  str(n.Comment, fields.comment);
  str(n.Objective, fields.objective);
  str(n.Pinhole, fields.pinhole);
  str(n.MajorDichroic, fields.majorDichroic);
  if (fields.timeStampArray !== undefined) {
    out.push({ kind: 'float[]', name: n.TimeStampArray, values: Float32Array.from(fields.timeStampArray) });
  }
  int(n.LaserRepetitionRate, fields.laserRepetitionRate);
  int(n.LaserPulsePatternIndex, fields.laserPulsePatternIndex);
  if (fields.laserOn !== undefined) {
    out.push({ kind: 'int32[]', name: n.LaserOn, values: Int32Array.from(fields.laserOn) });
  }
  if (fields.laserIntensity !== undefined) {
    out.push({ kind: 'float[]', name: n.LaserIntensity, values: Float32Array.from(fields.laserIntensity) });
  }
  return out;
}

/** A complete 'D' request from plain values (PQ-04: the request "transfers all necessary data"). */
export function buildRequest(input: BuildRequestInput = {}): DataframeRequest {
  const image = input.pixelsX !== undefined || input.pixelsY !== undefined;
  return {
    type: 'DataframeRequest',
    tag: 'D',
    recordVersion: input.recordVersion ?? RECORD_VERSION,
    measurementType: input.measurementType ?? (image ? MeasurementType.IMAGESCAN : MeasurementType.POINTMEAS),
    pixelsX: input.pixelsX ?? 0,
    pixelsY: input.pixelsY ?? 0,
    scanningPattern: input.scanningPattern ?? ScanningPattern.MONODIRECTIONAL,
    spatialResolution: input.spatialResolution ?? 0,
    records: [...requestRecords(input, input.terminateStrings ?? true), ...(input.extra ?? [])],
  };
}

type Setter = (fields: ReadRequestFields, r: OptionalRecord) => boolean;
const numeric =
  (key: 'timePerPixel' | 'timePerImageEstimated' | 'laserRepetitionRate' | 'laserPulsePatternIndex'): Setter =>
  (f, r) => {
    if (r.kind !== 'float' && r.kind !== 'int32' && r.kind !== 'uint32') return false;
    f[key] = r.value;
    return true;
  };
const text =
  (key: 'filename' | 'groupname' | 'comment' | 'objective' | 'pinhole' | 'majorDichroic'): Setter =>
  (f, r) => {
    if (r.kind !== 'string') return false;
    f[key] = r.value;
    return true;
  };
const SETTERS: ReadonlyMap<string, Setter> = new Map<string, Setter>([
  [RequestRecordName.TimePerPixel, numeric('timePerPixel')],
  [RequestRecordName.TimePerImageEstimated, numeric('timePerImageEstimated')],
  [RequestRecordName.Filename, text('filename')],
  [RequestRecordName.Groupname, text('groupname')],
  [RequestRecordName.Comment, text('comment')],
  [RequestRecordName.Objective, text('objective')],
  [RequestRecordName.Pinhole, text('pinhole')],
  [RequestRecordName.MajorDichroic, text('majorDichroic')],
  [
    RequestRecordName.TimeStampArray,
    (f, r) => {
      if (r.kind !== 'float[]') return false;
      f.timeStampArray = r.values;
      return true;
    },
  ],
  [RequestRecordName.LaserRepetitionRate, numeric('laserRepetitionRate')],
  [RequestRecordName.LaserPulsePatternIndex, numeric('laserPulsePatternIndex')],
  [
    RequestRecordName.LaserOn,
    (f, r) => {
      if (r.kind !== 'int32[]') return false;
      f.laserOn = r.values;
      return true;
    },
  ],
  [
    RequestRecordName.LaserIntensity,
    (f, r) => {
      if (r.kind !== 'float[]') return false;
      f.laserIntensity = r.values;
      return true;
    },
  ],
]);

/** Reads the well-known request records (names are case-sensitive, as SymPhoTime compares them); keeps the rest. */
export function readRequestFields(records: readonly OptionalRecord[]): ReadRequestFields {
  const fields: ReadRequestFields = { unknown: [] };
  for (const r of records) {
    const set = SETTERS.get(r.name);
    if (set === undefined || !set(fields, r)) fields.unknown.push(r);
  }
  return fields;
}
