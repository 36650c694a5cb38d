import { MalformedInputError } from '@portico/wire';
import { PtuImageIdent, PtuTagName } from './constants.js';
import { PtuErrorCode } from './errors.js';
import type { PtuRecordTypeInfo } from './record-types.js';
import type { PtuTagInput } from './tag-encode.js';

/** Scan geometry for an image measurement (tag dictionary ImgHdr_*; Measurement_SubMode 3 = image). */
export interface PtuImageOptions {
  pixX: number;
  pixY: number;
  /** ImgHdr_PixResol, pixel size in µm. */
  pixResol?: number;
  /** Marker bit numbers (1-based) of line start, line stop and frame; a marker record carries 1 << (n - 1). */
  lineStart: number;
  lineStop: number;
  frame?: number;
  bidirect?: boolean;
  /** ImgHdr_TimePerPixel in ms. */
  timePerPixel?: number;
  sinCorrection?: number;
  /** ImgHdr_Ident, the scanner (default PtuImageIdent.Lsm, 3: a laser scanning microscope). */
  ident?: number;
  /** ImgHdr_MaxFrames, the frames the measurement holds (default 1). */
  maxFrames?: number;
  /** ImgHdr_X0 / ImgHdr_Y0, the scan origin in µm (default 0). */
  x0?: number;
  y0?: number;
}

/** The instrument a file says it came from (HW_* tags, as PicoQuant software writes them). */
export interface PtuHardwareOptions {
  /** HW_Type, e.g. "HydraHarp" as SymPhoTime writes it. */
  type: string;
  /** HW_SerialNo (default ""). */
  serialNo?: string;
  /** HW_InpChannels; SymPhoTime counts the sync input too (3 for two detectors in ../data/ptu). */
  inputChannels: number;
  /** HW_BaseResolution [s]; MeasDesc_BinningFactor defaults to round(MeasDesc_Resolution / this). */
  baseResolution: number;
  /** HW_Markers, the marker inputs (default 4, as every sample has); HWMarkers_Enabled[i] is written for each. */
  markers?: number;
  /** HWMarkers_Enabled per marker input (default all true). */
  markersEnabled?: readonly boolean[];
}

/** The options the header is built from (a subset of PtuWriterOptions). */
export interface PtuHeaderOptions {
  /** MeasDesc_GlobalResolution [s], the sync period. */
  globalResolution: number;
  /** MeasDesc_Resolution [s], the dtime bin. */
  resolution: number;
  /** TTResult_SyncRate [Hz] (default round(1 / globalResolution)). */
  syncRate?: number;
  /** File_CreatingTime (default: now). */
  createdAt?: Date;
  /** File_GUID (default: a random GUID in braces, as PicoQuant writes it). */
  guid?: string;
  comment?: string;
  creatorName?: string;
  creatorVersion?: string;
  image?: PtuImageOptions;
  hardware?: PtuHardwareOptions;
  /** MeasDesc_BinningFactor (default from `hardware.baseResolution`, else not written). */
  binningFactor?: number;
  /** MeasDesc_AcquisitionTime [ms], the acquisition time asked for (not written when undefined). */
  acquisitionTimeMs?: number;
  /**
   * TTResult_StopReason (PtuStopReason) and TTResult_StopAfter [ms], not written when undefined. A file written while
   * the measurement runs starts with PtuStopReason.Unknown and 0 and rewrites both in place at the end (`tagPatch`),
   * so a file whose writer was killed says so.
   */
  stopReason?: number;
  stopAfterMs?: number;
  /** More tags, written before Header_End; a tag with the (Ident, Idx) of a generated one replaces its value. */
  tags?: readonly PtuTagInput[];
}

/** Tags only the writer sets: a caller's `tags` may not name them. */
const RESERVED = new Set<string>([
  PtuTagName.RecordType,
  PtuTagName.BitsPerRecord,
  PtuTagName.NumberOfRecords,
  PtuTagName.HeaderEnd,
]);

function randomGuid(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  const id = c?.randomUUID?.() ?? '00000000-0000-0000-0000-000000000000';
  return `{${id.toUpperCase()}}`;
}

/** Every tag of a T3 file's header in order, Header_End last (pq.md §7 mandatory tags, then the optional ones). */
export function headerTags(info: PtuRecordTypeInfo, o: PtuHeaderOptions): PtuTagInput[] {
  const img = o.image;
  const tags: PtuTagInput[] = [
    { ident: PtuTagName.FileGuid, type: 'AnsiString', value: o.guid ?? randomGuid() },
    { ident: PtuTagName.FileCreatingTime, type: 'TDateTime', value: o.createdAt ?? new Date() },
    { ident: PtuTagName.Comment, type: 'AnsiString', value: o.comment ?? '' },
    { ident: PtuTagName.CreatorSwName, type: 'AnsiString', value: o.creatorName ?? 'Portico' },
    { ident: PtuTagName.CreatorSwVersion, type: 'AnsiString', value: o.creatorVersion ?? '0.0.0' },
    { ident: PtuTagName.MeasurementMode, type: 'Int8', value: 3 },
    { ident: PtuTagName.MeasurementSubMode, type: 'Int8', value: img ? 3 : 0 },
    { ident: PtuTagName.RecordType, type: 'Int8', value: info.code },
    { ident: PtuTagName.BitsPerRecord, type: 'Int8', value: 32 },
    { ident: PtuTagName.GlobalResolution, type: 'Float8', value: o.globalResolution },
    { ident: PtuTagName.Resolution, type: 'Float8', value: o.resolution },
    { ident: PtuTagName.SyncRate, type: 'Int8', value: o.syncRate ?? Math.round(1 / o.globalResolution) },
    { ident: PtuTagName.NumberOfRecords, type: 'Int8', value: 0 },
  ];
  tags.push(...hardwareTags(o));
  if (img) tags.push(...imageTags(img));
  for (const extra of o.tags ?? []) {
    if (RESERVED.has(extra.ident)) {
      throw new MalformedInputError({
        code: PtuErrorCode.BAD_TAG,
        offset: 0,
        what: `PTU tag ${JSON.stringify(extra.ident)} to write`,
        expected: 'a tag the writer does not manage itself',
        got: extra.ident,
      });
    }
    const at = tags.findIndex((t) => t.ident === extra.ident && (t.index ?? -1) === (extra.index ?? -1));
    if (at >= 0) tags[at] = extra;
    else tags.push(extra);
  }
  tags.push({ ident: PtuTagName.HeaderEnd, type: 'Empty8' });
  return tags;
}

function hardwareTags(o: PtuHeaderOptions): PtuTagInput[] {
  const out: PtuTagInput[] = [];
  const hw = o.hardware;
  if (hw) {
    const markers = hw.markers ?? 4;
    out.push(
      { ident: PtuTagName.HwType, type: 'AnsiString', value: hw.type },
      { ident: PtuTagName.HwSerialNo, type: 'AnsiString', value: hw.serialNo ?? '' },
      { ident: PtuTagName.HwInpChannels, type: 'Int8', value: hw.inputChannels },
      { ident: PtuTagName.HwBaseResolution, type: 'Float8', value: hw.baseResolution },
      { ident: PtuTagName.HwMarkers, type: 'Int8', value: markers },
    );
    for (let i = 0; i < markers; i++) {
      out.push({ ident: PtuTagName.HwMarkersEnabled, index: i, type: 'Bool8', value: hw.markersEnabled?.[i] ?? true });
    }
  }
  const binning = o.binningFactor ?? (hw ? Math.max(1, Math.round(o.resolution / hw.baseResolution)) : undefined);
  if (binning !== undefined) out.push({ ident: PtuTagName.BinningFactor, type: 'Int8', value: binning });
  if (o.acquisitionTimeMs !== undefined) {
    out.push({ ident: PtuTagName.AcquisitionTime, type: 'Int8', value: Math.round(o.acquisitionTimeMs) });
  }
  if (o.stopReason !== undefined) out.push({ ident: PtuTagName.StopReason, type: 'Int8', value: o.stopReason });
  if (o.stopAfterMs !== undefined) {
    out.push({ ident: PtuTagName.StopAfter, type: 'Int8', value: Math.round(o.stopAfterMs) });
  }
  return out;
}

function imageTags(img: PtuImageOptions): PtuTagInput[] {
  const out: PtuTagInput[] = [
    { ident: PtuTagName.ImgDimensions, type: 'Int8', value: 3 },
    { ident: PtuTagName.ImgIdent, type: 'Int8', value: img.ident ?? PtuImageIdent.Lsm },
    { ident: 'ImgHdr_PixX', type: 'Int8', value: img.pixX },
    { ident: 'ImgHdr_PixY', type: 'Int8', value: img.pixY },
    { ident: PtuTagName.ImgMaxFrames, type: 'Int8', value: img.maxFrames ?? 1 },
    { ident: PtuTagName.ImgX0, type: 'Float8', value: img.x0 ?? 0 },
    { ident: PtuTagName.ImgY0, type: 'Float8', value: img.y0 ?? 0 },
    { ident: 'ImgHdr_LineStart', type: 'Int8', value: img.lineStart },
    { ident: 'ImgHdr_LineStop', type: 'Int8', value: img.lineStop },
  ];
  if (img.frame !== undefined) out.push({ ident: 'ImgHdr_Frame', type: 'Int8', value: img.frame });
  if (img.pixResol !== undefined) out.push({ ident: 'ImgHdr_PixResol', type: 'Float8', value: img.pixResol });
  out.push({ ident: 'ImgHdr_BiDirect', type: 'Bool8', value: img.bidirect ?? false });
  if (img.timePerPixel !== undefined) {
    out.push({ ident: 'ImgHdr_TimePerPixel', type: 'Float8', value: img.timePerPixel });
  }
  if (img.sinCorrection !== undefined) {
    out.push({ ident: 'ImgHdr_SinCorrection', type: 'Int8', value: img.sinCorrection });
  }
  return out;
}
