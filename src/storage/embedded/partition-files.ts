import path from 'node:path';

/**
 * Partition file names carry their own time range, so a file is understood
 * without opening it and changing the partition width later stays safe:
 * `spans-20261124T000000Z-86400s.duckdb` holds spans starting in
 * [2026-11-24T00:00:00Z, +86400 s).
 */
const NAME = /^spans-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z-(\d+)s\.duckdb$/;
const NS_PER_SECOND = 1_000_000_000n;

export interface PartitionRange {
  startNs: bigint;
  endNs: bigint;
}

export function partitionFileName(startNs: bigint, widthNs: bigint): string {
  const iso = new Date(Number(startNs / 1_000_000n)).toISOString(); // 2026-11-24T00:00:00.000Z
  const stamp = iso.slice(0, 19).replace(/[-:]/g, '');
  return `spans-${stamp}Z-${widthNs / NS_PER_SECOND}s.duckdb`;
}

export function parsePartitionFileName(name: string): PartitionRange | undefined {
  const m = NAME.exec(name);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, width] = m.map(Number) as number[];
  const ms = Date.UTC(y!, mo! - 1, d!, h!, mi!, s!);
  if (!Number.isFinite(ms) || !width) return undefined;
  const startNs = BigInt(ms) * 1_000_000n;
  return { startNs, endNs: startNs + BigInt(width) * NS_PER_SECOND };
}

/** The range a span starting at `startNs` falls in. */
export function partitionRangeFor(startNs: bigint, widthNs: bigint): PartitionRange {
  const startOf = startNs - (startNs % widthNs);
  return { startNs: startOf, endNs: startOf + widthNs };
}

/** A catalog name for ATTACH: letters, digits and underscores only, so it is safe to splice into SQL. */
export function catalogAlias(file: string): string {
  return 'p_' + path.basename(file, '.duckdb').replace(/[^A-Za-z0-9]/g, '_');
}

/** A single-quoted SQL string literal. */
export function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}
