// A reference point for messages.bench.ts: what building the decoded 'x' message costs on its own.
import type { DataFrame, OptionalRecord } from '../types.js';

const f32 = new Float32Array(1);
const f32Bytes = new Uint8Array(f32.buffer);

function u32(f: Uint8Array, o: number): number {
  return (f[o]! | (f[o + 1]! << 8) | (f[o + 2]! << 16)) + f[o + 3]! * 0x1000000;
}
function i32(f: Uint8Array, o: number): number {
  return f[o]! | (f[o + 1]! << 8) | (f[o + 2]! << 16) | (f[o + 3]! << 24);
}
function float(f: Uint8Array, o: number): number {
  f32Bytes[0] = f[o]!;
  f32Bytes[1] = f[o + 1]!;
  f32Bytes[2] = f[o + 2]!;
  f32Bytes[3] = f[o + 3]!;
  return f32[0]!;
}

/**
 * Decodes the two 'x' layouts of the vendor capture (466 and 312 bytes, vendor-simulator-sessions.json) by hand, in
 * straight-line code that trusts the layout: values are read at fixed offsets, names and strings are constants, and
 * nothing is validated. Only the objects of the decoded message are built, exactly as `decode()` returns them, so it
 * shows what that output costs to make on this runtime: no decoder that returns it can be faster by much. Any other
 * frame is refused. The benchmark checks its output against `decode()` before timing.
 */
export function decodeCaptureLayout(f: Uint8Array): DataFrame {
  let records: OptionalRecord[];
  if (f.length === 466) {
    records = [
      { kind: 'uint32', name: 'ServerVersion', value: u32(f, 56) },
      { kind: 'uint32', name: 'cps1', value: u32(f, 92) },
      { kind: 'uint32', name: 'cps2', value: u32(f, 128) },
      { kind: 'uint32', name: 'det1', value: u32(f, 164) },
      { kind: 'uint32', name: 'det2', value: u32(f, 200) },
      { kind: 'uint32', name: 'det3', value: u32(f, 236) },
      { kind: 'uint32', name: 'det4', value: u32(f, 272) },
      { kind: 'string', name: 'ResultingFilename', value: 'vendor_capture.ptu', terminated: false },
      { kind: 'string', name: 'ResultingGroupname', value: 'grp1', terminated: false },
      { kind: 'string', name: 'LaserName1', value: '485nm (Slot 200)', terminated: false },
      { kind: 'string', name: 'LaserName2', value: '500nm (Slot 300)', terminated: false },
    ];
  } else if (f.length === 312) {
    records = [
      { kind: 'uint32', name: 'cps1', value: u32(f, 56) },
      { kind: 'uint32', name: 'cps2', value: u32(f, 92) },
      { kind: 'float', name: 'cpm1', value: float(f, 128) },
      { kind: 'float', name: 'cpm2', value: float(f, 164) },
      { kind: 'uint32', name: 'det1', value: u32(f, 200) },
      { kind: 'uint32', name: 'det2', value: u32(f, 236) },
      { kind: 'uint32', name: 'det3', value: u32(f, 272) },
      { kind: 'uint32', name: 'det4', value: u32(f, 308) },
    ];
  } else {
    throw new Error(`not one of the capture's two 'x' layouts: ${f.length} bytes`);
  }
  return {
    type: 'DataFrame',
    tag: 'x',
    recordVersion: u32(f, 8),
    measurementType: i32(f, 12),
    recordNumber: i32(f, 16),
    records,
  };
}
