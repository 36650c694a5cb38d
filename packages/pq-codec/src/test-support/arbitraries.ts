// fast-check arbitraries for PQ messages: every field in its wire range, sizes well under the 65,535-byte limit.
import fc from 'fast-check';
import { windows1252 } from '../text.js';
import type { OptionalRecord, PqMessage } from '../types.js';

/** Every windows-1252 character except NUL (a NUL ends a name, and a trailing one means "terminated"). */
const CHARS = Array.from({ length: 255 }, (_, i) => windows1252.decode(Uint8Array.of(i + 1)));
const char = fc.constantFrom(...CHARS);
export const text = (maxLength: number) => fc.string({ unit: char, maxLength });

const int16 = fc.integer({ min: -0x8000, max: 0x7fff });
const int32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
const uint32 = fc.integer({ min: 0, max: 0xffffffff });
const float32 = fc.float({ noNaN: true });
const name = text(31);

export const optionalRecord: fc.Arbitrary<OptionalRecord> = fc.oneof(
  fc.record({ kind: fc.constant('float' as const), name, value: float32 }),
  fc.record({ kind: fc.constant('int32' as const), name, value: int32 }),
  fc.record({ kind: fc.constant('uint32' as const), name, value: uint32 }),
  fc.record({ kind: fc.constant('float[]' as const), name, values: fc.float32Array({ maxLength: 8 }) }),
  fc.record({ kind: fc.constant('int32[]' as const), name, values: fc.int32Array({ maxLength: 8 }) }),
  fc.record({ kind: fc.constant('uint32[]' as const), name, values: fc.uint32Array({ maxLength: 8 }) }),
  fc.record({ kind: fc.constant('string' as const), name, value: text(60), terminated: fc.boolean() }),
);

const records = fc.array(optionalRecord, { maxLength: 8 });

const statusKind = fc.constantFrom(
  { type: 'EncodedStatus', tag: 'C' } as const,
  { type: 'EncodedStatusReply', tag: 'c' } as const,
  { type: 'DataframeReply', tag: 'd' } as const,
);
const explainedKind = fc.constantFrom(
  { type: 'ExplainedStatus', tag: 'S' } as const,
  { type: 'ExplainedStatusReply', tag: 's' } as const,
);

export const message: fc.Arbitrary<PqMessage> = fc.oneof(
  fc.tuple(statusKind, int16).map(([kind, status]) => ({ ...kind, status })),
  fc
    .tuple(explainedKind, int16, fc.string({ unit: fc.constantFrom('\0', ...CHARS), maxLength: 80 }))
    .map(([kind, status, text]) => ({ ...kind, status, text })),
  fc.record({
    type: fc.constant('DataframeRequest' as const),
    tag: fc.constant('D' as const),
    recordVersion: uint32,
    measurementType: int32,
    pixelsX: int32,
    pixelsY: int32,
    scanningPattern: int32,
    spatialResolution: float32,
    records,
  }),
  fc.record({
    type: fc.constant('DataFrame' as const),
    tag: fc.constant('x' as const),
    recordVersion: uint32,
    measurementType: int32,
    recordNumber: int32,
    records,
  }),
);
