// Golden vectors (test/vectors/*.hex) and the message each one decodes to.
import { readHex } from '@portico/test-support';
import type { PqMessage } from '../types.js';

export interface GoldenVector {
  file: string;
  message: PqMessage;
}

export function readVector(file: string): Uint8Array {
  return readHex(new URL(`../../test/vectors/${file}`, import.meta.url));
}

const f32 = Math.fround;
const COMMENT_385 = 'Portico spec-size request: '.repeat(20).slice(0, 278);

export const GOLDEN: GoldenVector[] = [
  { file: 'status-C-no-error.hex', message: { type: 'EncodedStatus', tag: 'C', status: 0 } },
  { file: 'status-c-finished-ok.hex', message: { type: 'EncodedStatusReply', tag: 'c', status: 1 } },
  { file: 'status-C-user-break.hex', message: { type: 'EncodedStatus', tag: 'C', status: 2 } },
  { file: 'status-d-server-busy.hex', message: { type: 'DataframeReply', tag: 'd', status: -2 } },
  { file: 'explained-S-no-workspace.hex', message: { type: 'ExplainedStatus', tag: 'S', status: -107, text: 'ab' } },
  {
    file: 'request-D-image-256.hex',
    message: {
      type: 'DataframeRequest',
      tag: 'D',
      recordVersion: 0x01000200,
      measurementType: 1,
      pixelsX: 256,
      pixelsY: 256,
      scanningPattern: 0,
      spatialResolution: f32(1e-6),
      records: [{ kind: 'float', name: 'TimePerPixel', value: f32(1e-5) }],
    },
  },
  {
    file: 'dataframe-x-det1.hex',
    message: {
      type: 'DataFrame',
      tag: 'x',
      recordVersion: 0x01000200,
      measurementType: 1,
      recordNumber: 0,
      records: [{ kind: 'uint32', name: 'det1', value: 12345 }],
    },
  },
  {
    file: 'request-D-385-bytes.hex',
    message: {
      type: 'DataframeRequest',
      tag: 'D',
      recordVersion: 0x01000200,
      measurementType: 1,
      pixelsX: 512,
      pixelsY: 512,
      scanningPattern: 1,
      spatialResolution: f32(2.5e-7),
      records: [
        { kind: 'float', name: 'TimePerPixel', value: f32(1e-5) },
        { kind: 'string', name: 'Comment', value: COMMENT_385, terminated: true },
      ],
    },
  },
  {
    file: 'request-D-windows-1252.hex',
    message: {
      type: 'DataframeRequest',
      tag: 'D',
      recordVersion: 0x01000200,
      measurementType: 0x80,
      pixelsX: 0,
      pixelsY: 0,
      scanningPattern: 0,
      spatialResolution: 0,
      records: [
        { kind: 'string', name: 'Filename', value: '64px²', terminated: true },
        { kind: 'string', name: 'Groupname', value: 'Zürich_é', terminated: true },
        { kind: 'string', name: 'Comment', value: '€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ ÿ', terminated: true },
      ],
    },
  },
];
