/**
 * Seq ranges [from, to] (inclusive) of one partition: how reads say which
 * rows they need, so that zone maps on the sorted seq column skip the rest.
 */
export type Ranges = [bigint, bigint][];

/** The ranges present in both lists (batches are whole ranges, but partial overlaps are handled too). */
export function intersectRanges(a: Ranges, b: Ranges): Ranges {
  const out: Ranges = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const from = a[i]![0] > b[j]![0] ? a[i]![0] : b[j]![0];
    const to = a[i]![1] < b[j]![1] ? a[i]![1] : b[j]![1];
    if (from <= to) out.push([from, to]);
    if (a[i]![1] < b[j]![1]) i++;
    else j++;
  }
  return out;
}

/** Sorts and merges ranges that touch or overlap. */
export function mergeRanges(list: Ranges): Ranges {
  list.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  const merged: Ranges = [];
  for (const [a, b] of list) {
    const last = merged[merged.length - 1];
    if (last && a <= last[1] + 1n) last[1] = b > last[1] ? b : last[1];
    else merged.push([a, b]);
  }
  return merged;
}

/**
 * Joins ranges less than `gap` apart. Each range becomes a scan of its own
 * (query-sql.ts), and a scan costs about a millisecond however few rows it
 * reads, while reading the rows between two nearby ranges costs almost nothing.
 */
export function coalesceRanges(ranges: Ranges, gap: bigint): Ranges {
  const out: Ranges = [];
  for (const [a, b] of ranges) {
    const last = out[out.length - 1];
    if (last && a - last[1] <= gap) last[1] = b > last[1] ? b : last[1];
    else out.push([a, b]);
  }
  return out;
}
