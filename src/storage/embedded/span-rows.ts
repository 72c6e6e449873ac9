import type { DuckDBBlobValue, DuckDBValue } from '@duckdb/node-api';
import type { InstrumentationScope, Resource, Span, SpanKind, StatusCode } from '../../model/span.ts';
import { attributesFromRows } from './attr-rows.ts';
import { decodeResource, decodeScope, EMPTY_EXTRA, readSpanExtra } from './record-codec.ts';

/**
 * Rebuilds model spans from the rows of one trace read (query-sql.ts):
 * spans, their span_attrs rows, and the resources and scopes they name.
 * Every row carries `part`, the partition it came from, because seq and the
 * resource and scope numbers are per partition. Decoded resources and scopes
 * are kept by content hash and shared between spans, as the model expects
 * (structured cloning to the main thread preserves the sharing).
 */
export interface TraceRows {
  /** part, then schema.ts's SPAN_COLUMNS. */
  spans: DuckDBValue[][];
  /** part, seq, key, value, type, pos, raw. */
  attrs: DuckDBValue[][];
  /** part, id, hash, data. */
  resources: DuckDBValue[][];
  scopes: DuckDBValue[][];
}

type AttrRowValues = { key: string; value: string; type: number; pos: number; raw: Uint8Array | null };

export class SpanRowDecoder {
  private resources = new Map<bigint, Resource>();
  private scopes = new Map<bigint, InstrumentationScope>();

  /** The resource (column 13) and scope (14) numbers each partition's rows need. */
  static wanted(spanRows: DuckDBValue[][], column: 13 | 14): Map<number, number[]> {
    const out = new Map<number, Set<number>>();
    for (const r of spanRows) {
      const part = r[0] as number;
      let s = out.get(part);
      if (!s) out.set(part, (s = new Set()));
      s.add(Number(r[column]));
    }
    return new Map([...out].map(([part, s]) => [part, [...s]]));
  }

  /** The spans of the traces asked for, each row once (a range may also hold rows of other traces). */
  decode(rows: TraceRows, traceIds: ReadonlySet<bigint>): Span[] {
    const resources = this.byNumber(rows.resources, this.resources, decodeResource);
    const scopes = this.byNumber(rows.scopes, this.scopes, decodeScope);
    const attrs = new Map<string, AttrRowValues[]>();
    for (const r of rows.attrs) {
      const k = `${String(r[0])}:${String(r[1])}`;
      let list = attrs.get(k);
      if (!list) attrs.set(k, (list = []));
      list.push({ key: r[2] as string, value: r[3] as string, type: r[4] as number, pos: r[5] as number, raw: r[6] === null ? null : (r[6] as DuckDBBlobValue).bytes });
    }
    const seen = new Set<string>();
    const out: Span[] = [];
    for (const r of rows.spans) {
      const k = `${String(r[0])}:${String(r[1])}`;
      if (!traceIds.has(r[2] as bigint) || seen.has(k)) continue;
      seen.add(k);
      const part = r[0] as number;
      out.push(
        this.span(r, attrs.get(k) ?? [], known(resources, `${part}:${Number(r[13])}`, 'resource'), known(scopes, `${part}:${Number(r[14])}`, 'scope')),
      );
    }
    return out;
  }

  /** Whether the resource or scope with this content hash is decoded already (its row's data is then not needed). */
  has(table: 'resources' | 'scopes', hash: bigint): boolean {
    return (table === 'resources' ? this.resources : this.scopes).has(hash);
  }

  /** Forgets decoded resources and scopes when there are many (call between queries, never during one). */
  trim(): void {
    if (this.resources.size > 10_000) this.resources = new Map();
    if (this.scopes.size > 10_000) this.scopes = new Map();
  }

  private byNumber<T>(rows: DuckDBValue[][], cache: Map<bigint, T>, decode: (bytes: Uint8Array) => T): Map<string, T> {
    const out = new Map<string, T>();
    for (const [part, id, hash, data] of rows) {
      let v = cache.get(hash as bigint);
      if (v === undefined) cache.set(hash as bigint, (v = decode((data as DuckDBBlobValue).bytes)));
      out.set(`${String(part)}:${Number(id)}`, v);
    }
    return out;
  }

  private span(r: DuckDBValue[], attrs: AttrRowValues[], resource: Resource, scope: InstrumentationScope): Span {
    const start = r[5] as bigint;
    const extra = r[15] === null ? EMPTY_EXTRA : readSpanExtra((r[15] as DuckDBBlobValue).bytes);
    const parent = r[4] as bigint;
    return {
      traceId: (r[2] as bigint).toString(16).padStart(32, '0'),
      spanId: (r[3] as bigint).toString(16).padStart(16, '0'),
      parentSpanId: parent === 0n ? '' : parent.toString(16).padStart(16, '0'),
      traceState: r[12] as string,
      name: r[7] as string,
      kind: r[8] as SpanKind,
      startTimeUnixNano: start,
      endTimeUnixNano: start + (r[6] as bigint),
      attributes: attributesFromRows(attrs),
      droppedAttributesCount: extra.droppedAttributesCount,
      events: extra === EMPTY_EXTRA ? [] : extra.events,
      droppedEventsCount: extra.droppedEventsCount,
      links: extra === EMPTY_EXTRA ? [] : extra.links,
      droppedLinksCount: extra.droppedLinksCount,
      status: { code: r[9] as StatusCode, message: r[10] as string },
      flags: r[11] as number,
      resource,
      scope,
    };
  }
}

function known<T>(map: Map<string, T>, key: string, what: string): T {
  const v = map.get(key);
  if (v === undefined) throw new Error(`embedded store: ${what} ${key} of a stored span is missing`);
  return v;
}
