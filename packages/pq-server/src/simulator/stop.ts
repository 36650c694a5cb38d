import { PtuStopReason, PtuTagName } from '@portico/pq-codec/ptu';
import type { MeasurementEnd, StopReason } from '../backend.js';
import type { PtuFinalTag } from './ptu-file.js';

/**
 * Lines of an image scan actually recorded (Int8), a Portico tag: PicoQuant's tag dictionary has none for a scan cut
 * short, whose last frame holds fewer lines than ImgHdr_PixY.
 */
export const LINES_RECORDED_TAG = 'PorticoImg_LinesRecorded';

/**
 * TTResult_StopReason for how a measurement ended: complete is "time over" (0), as SymPhoTime writes after a full
 * acquisition; a stop by the user (the client's USER_BREAK) or by the server's operator (shutdown) is "manual" (1), as
 * in the PicoHarp sample stopped by hand; an injected fault, a reply time-out, a corrupt client or a client that
 * vanished is "error" (3).
 */
export function ptuStopReason(outcome: MeasurementEnd, stop: StopReason | undefined): PtuStopReason {
  if (outcome.kind === 'complete') return PtuStopReason.TimeOver;
  if (outcome.kind === 'error') return PtuStopReason.Error;
  return stop === 'user-break' || stop === 'shutdown' ? PtuStopReason.Manual : PtuStopReason.Error;
}

/** What the end of a measurement tells its file. */
export interface FinalTagsInput {
  outcome: MeasurementEnd;
  stop: StopReason | undefined;
  /** Seconds of data the file holds. */
  measuredS: number;
  /** The acquisition time planned at the start; undefined when the measurement ran until stopped. */
  plannedS: number | undefined;
  /** An image scan: the line-stop and frame markers the file holds. */
  scan?: { lines: number; frames: number };
}

/**
 * The header values that are known only at the end (issue 12 item 5): TTResult_StopReason and TTResult_StopAfter; for
 * a measurement without a planned time, MeasDesc_AcquisitionTime (what it turned out to be); for an image scan, the
 * frames begun (ImgHdr_MaxFrames, a partial last frame included) and the lines completed, counted from the frame and
 * line-stop markers the file holds.
 */
export function finalTags(i: FinalTagsInput): PtuFinalTag[] {
  const ms = Math.round(i.measuredS * 1000);
  const tags: PtuFinalTag[] = [
    { ident: PtuTagName.StopReason, value: ptuStopReason(i.outcome, i.stop) },
    { ident: PtuTagName.StopAfter, value: ms },
  ];
  if (i.plannedS === undefined) tags.push({ ident: PtuTagName.AcquisitionTime, value: ms });
  if (i.scan) {
    tags.push(
      { ident: PtuTagName.ImgMaxFrames, value: i.scan.frames },
      { ident: LINES_RECORDED_TAG, value: i.scan.lines },
    );
  }
  return tags;
}
