import {
  type DataframeRequest,
  ErrorCode,
  MeasurementType,
  type OptionalRecord,
  type OptionalRecordKind,
  RECORD_VERSION,
} from '@portico/pq-codec';

/** The parts of a 'D' request a backend needs, read once (pq.md §3.1, §3.2). */
export interface MeasurementPlan {
  /** 'point' for PQ_MEASTYPE_POINTMEAS / TEST_POINTMEAS, 'image' for IMAGESCAN / TEST_IMAGESCAN. */
  kind: 'point' | 'image';
  /** Test types (0x80/0x81): "no data will be stored in workspace" (pq.md §3.1). */
  test: boolean;
  measurementType: number;
  pixelsX: number;
  pixelsY: number;
  bidirectional: boolean;
  /** fSpatialResolution in metres (pq.md §3.1, "best evidence: metres on the wire"). */
  pixelSizeM: number;
  /** TimePerPixel [s] when the request carries it. */
  timePerPixelS: number | undefined;
  filename: string | undefined;
  groupname: string | undefined;
  comment: string | undefined;
  /** Every optional record, known or not: unknown names "are kept as comments in the measurement file" (pq.md §3.2). */
  records: readonly OptionalRecord[];
}

export type Validation = { ok: true; plan: MeasurementPlan } | { ok: false; status: number; reason: string };

/** TimeStampArray FLOATS_ARRAY ≤ 512 (pq.md §3.2). */
export const MAX_TIMESTAMPS = 512;
/** A scan wider or taller than this is refused: no LSM scans more, and PixX × PixY must stay a safe count. */
export const MAX_PIXELS_PER_AXIS = 65_536;

/** Request record names known to SymPhoTime and the kinds they may have (pq.md §3.2). */
const KNOWN_KINDS: Readonly<Record<string, readonly OptionalRecordKind[]>> = {
  TimePerPixel: ['float'],
  TimePerImageEstimated: ['float'],
  Filename: ['string'],
  Groupname: ['string'],
  Objective: ['string'],
  Pinhole: ['string'],
  MajorDichroic: ['string'],
  Comment: ['string'],
  TimeStampArray: ['float[]'],
  LaserRepetitionRate: ['int32', 'uint32'],
  LaserPulsePatternIndex: ['int32', 'uint32'],
  // The wire form of the array-indexed laser values is unknown (pq.md §3.2 [?]): accept scalar or array.
  LaserOn: ['int32', 'uint32', 'int32[]', 'uint32[]'],
  LaserIntensity: ['float', 'float[]'],
};

const refuse = (status: number, reason: string): Validation => ({ ok: false, status, reason });

function stringValue(records: readonly OptionalRecord[], name: string): string | undefined {
  const r = records.find((x) => x.name === name);
  return r?.kind === 'string' ? r.value : undefined;
}

/**
 * Validates a 'D' request as far as it can be done without a workspace (issue 6 §2): record version, measurement
 * type, the kinds of known optional records, TimeStampArray ≤ 512, pixel counts. Names (templates, lengths, paths)
 * are the backend's to check, since they depend on its clock and workspace.
 */
export function validateRequest(req: DataframeRequest): Validation {
  if (req.recordVersion !== RECORD_VERSION) {
    return refuse(
      ErrorCode.INVALID_REC_VERSION,
      `record version 0x${(req.recordVersion >>> 0).toString(16).padStart(8, '0')}, expected 0x01000200`,
    );
  }
  const t = req.measurementType;
  const known =
    t === MeasurementType.POINTMEAS ||
    t === MeasurementType.IMAGESCAN ||
    t === MeasurementType.TEST_POINTMEAS ||
    t === MeasurementType.TEST_IMAGESCAN;
  if (!known) return refuse(ErrorCode.UNSUPPORTED_MEASUREMENT, `measurement type ${t} is not one of 0, 1, 0x80, 0x81`);
  for (const r of req.records) {
    const kinds = KNOWN_KINDS[r.name];
    if (kinds !== undefined && !kinds.includes(r.kind)) {
      return refuse(ErrorCode.TYPE_MISMATCH, `record '${r.name}' is ${r.kind}, expected ${kinds.join(' or ')}`);
    }
    if (r.name === 'TimeStampArray' && r.kind === 'float[]' && r.values.length > MAX_TIMESTAMPS) {
      return refuse(ErrorCode.TIMESTAMP_ARRAY_TOO_LONG, `TimeStampArray has ${r.values.length} values, at most 512`);
    }
  }
  const kind = t === MeasurementType.IMAGESCAN || t === MeasurementType.TEST_IMAGESCAN ? 'image' : 'point';
  const tppRecord = req.records.find((r) => r.name === 'TimePerPixel');
  const timePerPixelS = tppRecord?.kind === 'float' ? tppRecord.value : undefined;
  if (kind === 'image') {
    for (const [axis, n] of [
      ['X', req.pixelsX],
      ['Y', req.pixelsY],
    ] as const) {
      // "zero pixels are refused with a 'd' error" (issue 6 §4).
      if (!Number.isInteger(n) || n < 1 || n > MAX_PIXELS_PER_AXIS) {
        return refuse(ErrorCode.UNSUPPORTED_MEASUREMENT, `image scan with ${n} pixels in ${axis}, expected 1…65536`);
      }
    }
    if (timePerPixelS !== undefined && !(timePerPixelS > 0 && timePerPixelS < 3600)) {
      return refuse(ErrorCode.UNSUPPORTED_MEASUREMENT, `TimePerPixel ${timePerPixelS} s, expected a positive time`);
    }
  }
  return {
    ok: true,
    plan: {
      kind,
      test: (t & 0x80) !== 0,
      measurementType: t,
      pixelsX: kind === 'image' ? req.pixelsX : 0,
      pixelsY: kind === 'image' ? req.pixelsY : 0,
      bidirectional: req.scanningPattern === 1,
      pixelSizeM: Number.isFinite(req.spatialResolution) ? req.spatialResolution : 0,
      timePerPixelS,
      filename: stringValue(req.records, 'Filename'),
      groupname: stringValue(req.records, 'Groupname'),
      comment: stringValue(req.records, 'Comment'),
      records: req.records,
    },
  };
}
