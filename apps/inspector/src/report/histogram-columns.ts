// The micro-time histogram's bins summed into columns, for the terminal bars and the PNG image alike (issue 16 item 6).
// Apart from the image module so that `ptu --histogram` does not load pngjs.

/** What the image shows: the bins summed into columns, up to the last non-empty bin. */
export interface HistogramColumns {
  /** Histogram bins per image column (≥ 1). */
  binsPerColumn: number;
  /** The count of each column. */
  counts: number[];
}

/** Sums contiguous bins into at most `columns` columns, up to the last non-empty bin (the tail of a histogram is
 * empty when the TAC range is wider than the lifetime). */
export function histogramColumns(h: Uint32Array, columns: number): HistogramColumns {
  let last = h.length - 1;
  while (last > 0 && h[last] === 0) last--;
  const binsPerColumn = Math.max(1, Math.ceil((last + 1) / columns));
  const counts: number[] = [];
  for (let b = 0; b <= last; b += binsPerColumn) {
    let n = 0;
    for (let i = b; i < Math.min(b + binsPerColumn, last + 1); i++) n += h[i]!;
    counts.push(n);
  }
  return { binsPerColumn, counts };
}
