// The micro-time (lifetime) histogram of `ptu --histogram --png FILE` as an image: one bar per column, drawn straight
// onto an RGBA pixel buffer that pngjs encodes (issue 16 item 6). No chart library: the bars are the whole picture, so
// the image is exact and a test can read every bar back.
import { PNG } from 'pngjs';
import { histogramColumns } from './histogram-columns.js';

/** Size and colours of the histogram image. */
export interface HistogramPngOptions {
  /** Image width in pixels (default 1024); the plot is this wide less a 1-pixel axis. */
  width?: number;
  /** Image height in pixels (default 400). */
  height?: number;
}

const BACKGROUND = [255, 255, 255, 255] as const;
const BAR = [31, 90, 170, 255] as const;
const AXIS = [0, 0, 0, 255] as const;

/**
 * Draws the histogram as a PNG: white background, a black axis on the left and at the bottom, and per column a bar
 * whose height is its count over the largest count (linear scale), so the tallest bar fills the plot.
 */
export function histogramPng(h: Uint32Array, options: HistogramPngOptions = {}): Buffer {
  const width = options.width ?? 1024;
  const height = options.height ?? 400;
  const png = new PNG({ width, height });
  const plotWidth = width - 1;
  const plotHeight = height - 1;
  const { counts } = histogramColumns(h, plotWidth);
  const max = Math.max(1, ...counts);
  const set = (x: number, y: number, c: readonly number[]) => {
    const o = (y * width + x) * 4;
    png.data[o] = c[0]!;
    png.data[o + 1] = c[1]!;
    png.data[o + 2] = c[2]!;
    png.data[o + 3] = c[3]!;
  };
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) set(x, y, BACKGROUND);
  // Each column of counts takes an equal share of the plot's width.
  const columnWidth = Math.max(1, Math.floor(plotWidth / Math.max(1, counts.length)));
  counts.forEach((n, i) => {
    const bar = Math.round((n / max) * plotHeight);
    for (let dx = 0; dx < columnWidth; dx++) {
      const x = 1 + i * columnWidth + dx;
      if (x >= width) break;
      for (let y = plotHeight - bar; y < plotHeight; y++) set(x, y, BAR);
    }
  });
  for (let y = 0; y < height; y++) set(0, y, AXIS);
  for (let x = 0; x < width; x++) set(x, plotHeight, AXIS);
  return PNG.sync.write(png);
}
