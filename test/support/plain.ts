import assert from 'node:assert/strict';

/** A comparable rendering: bigint, bytes and non-finite doubles made distinct and JSON-safe. */
export function plain(x: unknown): unknown {
  return JSON.parse(
    JSON.stringify(x, (_k, v: unknown) => {
      if (typeof v === 'bigint') return `${v}n`;
      if (v instanceof Uint8Array) return `bytes:${Buffer.from(v).toString('hex')}`;
      if (typeof v === 'number' && !Number.isFinite(v)) return `double:${v}`;
      return v;
    }),
  );
}

export function assertSame(actual: unknown, expected: unknown, what: string): void {
  assert.deepEqual(plain(actual), plain(expected), what);
}
