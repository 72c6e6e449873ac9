import type { TraceQuery } from '../api/query.ts';
import { attrHash } from './attr-index.ts';
import { intersectRanges, mergeRanges, type Ranges } from './seq-ranges.ts';
import type { Partition } from './partition-set.ts';
import { attrIndexSql, derivedStatusCondition, MAX_RANGES, findTraceIdsSql, resourceTagHitsSql, seqRangeFromSql, type SearchTarget } from './query-sql.ts';
import type { Run } from './trace-reader.ts';

/**
 * Plans a trace search so that it reads as little as it can, then runs it
 * (findTraceIdsSql holds the conditions themselves):
 *
 * 1. Attribute skip data. For each `key=value` tag that only span
 *    attributes can satisfy in a partition (no resource there has the pair,
 *    and it is not derived from the status), attr_index names the batches
 *    holding the pair; the search reads only those (the intersection, for
 *    several tags), and skips a partition that has none.
 * 2. Newest first. Unless the tags already pinned it to a few batches, the
 *    search first tries the newest 1/64, 1/16, then 1/4 of the window. If a part of
 *    the window holds `limit` matching traces, they are exactly the answer
 *    for the whole window: each has its latest matching span in that part,
 *    later than the latest matching span of any trace found only before it.
 *    Spans are appended roughly in time order, so zone maps on start_ns and
 *    seq skip the older row groups.
 */
const WINDOW_FRACTIONS = [64n, 16n, 4n];

export async function searchTraceIds(parts: readonly Partition[], run: Run, q: TraceQuery): Promise<bigint[]> {
  const restrictions = await attributeRanges(parts, run, q);
  const targets: (SearchTarget & { part: Partition })[] = [];
  parts.forEach((part, i) => {
    const ranges = restrictions.get(i);
    if (!ranges || ranges.length > 0) targets.push({ part, alias: part.alias, ranges });
  });
  if (targets.length === 0) return [];
  const ids = async (t: SearchTarget[], minStart?: bigint) => (await run(findTraceIdsSql(t, q, minStart))).map((r) => r[0] as bigint);
  if (targets.every((t) => t.ranges && t.ranges.length <= MAX_RANGES)) return ids(targets);

  // The window the data actually covers, within the query's bounds.
  let lo: bigint | undefined;
  let hi: bigint | undefined;
  for (const { part } of targets) {
    if (!part.starts) continue;
    if (lo === undefined || part.starts[0] < lo) lo = part.starts[0];
    if (hi === undefined || part.starts[1] > hi) hi = part.starts[1];
  }
  if (lo === undefined || hi === undefined) return ids(targets);
  if (q.startTimeMin !== undefined && q.startTimeMin > lo) lo = q.startTimeMin;
  if (q.startTimeMax !== undefined && q.startTimeMax < hi) hi = q.startTimeMax;
  for (const fraction of WINDOW_FRACTIONS) {
    if (hi <= lo) break;
    const from = hi - (hi - lo) / fraction;
    const recent = targets.filter((t) => t.part.starts && t.part.starts[1] >= from);
    const bounds = await run(seqRangeFromSql(recent.map((t) => t.alias), from));
    const narrowed: SearchTarget[] = [];
    for (const [part, min, max] of bounds) {
      if (min === null || max === null) continue;
      const t = recent[part as number]!;
      const window: Ranges = [[min as bigint, max as bigint]];
      narrowed.push({ alias: t.alias, ranges: t.ranges ? intersectRanges(t.ranges, window) : window });
    }
    const found = await ids(narrowed, from);
    if (found.length >= q.limit) return found;
  }
  return ids(targets);
}

/** Per partition index: the seq ranges its matches must lie in (an empty list: none can match); absent: no restriction. */
async function attributeRanges(parts: readonly Partition[], run: Run, q: TraceQuery): Promise<Map<number, Ranges>> {
  const out = new Map<number, Ranges>();
  const tags = q.tags.flatMap((f) => (f.op === 'equals' && !derivedStatusCondition(f) ? [{ key: f.key, value: f.value }] : []));
  if (tags.length === 0 || parts.length === 0) return out;
  const aliases = parts.map((p) => p.alias);
  const hashes = tags.map((t) => attrHash(t.key, t.value));
  const batches = new Map<string, Ranges>(); // `${part}:${hash}` -> ranges
  for (const [part, hash, first, last] of await run(attrIndexSql(aliases, hashes))) {
    const key = `${part as number}:${hash as number}`;
    let list = batches.get(key);
    if (!list) batches.set(key, (list = []));
    list.push([first as bigint, last as bigint]);
  }
  const onResources = new Set((await run(resourceTagHitsSql(aliases, tags))).map(([part, i]) => `${part as number}:${i as number}`));
  for (let part = 0; part < parts.length; part++) {
    let ranges: Ranges | undefined;
    tags.forEach((_, i) => {
      if (onResources.has(`${part}:${i}`)) return; // a resource can satisfy it on any span of the partition
      const list = mergeRanges(batches.get(`${part}:${hashes[i]}`) ?? []);
      ranges = ranges ? intersectRanges(ranges, list) : list;
    });
    if (ranges) out.set(part, ranges);
  }
  return out;
}
