import {
  type DataFrame,
  type DataframeReply,
  type EncodedStatus,
  type EncodedStatusReply,
  type ExplainedStatus,
  feedbackRecords,
  type OptionalRecord,
  RECORD_VERSION,
} from '@portico/pq-codec';

/** Short constructors for the messages a test server sends (pq.md §3). */
export const C = (status: number): EncodedStatus => ({ type: 'EncodedStatus', tag: 'C', status });
export const S = (status: number, text: string): ExplainedStatus => ({
  type: 'ExplainedStatus',
  tag: 'S',
  status,
  text,
});
export const d = (status: number): DataframeReply => ({ type: 'DataframeReply', tag: 'd', status });
export const c = (status: number): EncodedStatusReply => ({ type: 'EncodedStatusReply', tag: 'c', status });

/** A data frame as the simulator numbers them (from 1, measurement type 0: data/pq/README.md). */
export function x(recordNumber: number, records: OptionalRecord[] = feedbackRecords({ det: [1000, 900] })): DataFrame {
  return { type: 'DataFrame', tag: 'x', recordVersion: RECORD_VERSION, measurementType: 0, recordNumber, records };
}

/** The simulator's first frame: ServerVersion, det1.., ResultingFilename, ResultingGroupname. */
export function firstFrame(filename: string, groupname?: string): DataFrame {
  return x(
    1,
    feedbackRecords({
      serverVersion: 0x01000900,
      cps1: 4000,
      cps2: 3900,
      det: [1000, 990, 980, 970],
      resultingFilename: filename,
      ...(groupname === undefined ? {} : { resultingGroupname: groupname }),
      laserNames: ['485nm (Slot 200)'],
    }),
  );
}
