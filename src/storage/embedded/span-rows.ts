import type { DuckDBBlobValue, DuckDBValue } from '@duckdb/node-api';
import type { InstrumentationScope, Resource, Span, SpanKind, StatusCode } from '../../model/span.ts';
import { decodeResource, decodeScope, readSpanExtra } from './record-codec.ts';

/**
 * Rebuilds model spans from rows of query-sql.ts's tracesSql. Resources and
 * scopes are decoded once per content ID, kept, and shared between spans, as
 * the model expects (structured cloning to the main thread preserves that).
 */
export class SpanRowDecoder {
  private resources = new Map<bigint, Resource>();
  private scopes = new Map<bigint, InstrumentationScope>();

  /** Content IDs these rows need that are not decoded yet: fetch them and pass them to `learn`. */
  missing(rows: DuckDBValue[][]): { resources: bigint[]; scopes: bigint[] } {
    const resources = new Set<bigint>();
    const scopes = new Set<bigint>();
    for (const r of rows) {
      if (!this.resources.has(r[11] as bigint)) resources.add(r[11] as bigint);
      if (!this.scopes.has(r[12] as bigint)) scopes.add(r[12] as bigint);
    }
    return { resources: [...resources], scopes: [...scopes] };
  }

  /** Rows of blobsSql: (id, data). */
  learn(table: 'resources' | 'scopes', rows: DuckDBValue[][]): void {
    for (const [id, data] of rows) {
      const bytes = (data as DuckDBBlobValue).bytes;
      if (table === 'resources') this.resources.set(id as bigint, decodeResource(bytes));
      else this.scopes.set(id as bigint, decodeScope(bytes));
    }
  }

  /**
   * Rows of the traces asked for. DuckDB 1.5.6's index scan, run while another
   * connection commits to the same table, was seen returning a row of another
   * trace (the one being committed) besides the right one; a later read is
   * right. So rows are checked against the IDs asked for, and kept once.
   */
  decode(rows: DuckDBValue[][], traceIds: ReadonlySet<bigint>): Span[] {
    const seen = new Set<string>();
    const out: Span[] = [];
    for (const r of rows) {
      const key = `${String(r[15])}:${String(r[14])}`;
      if (!traceIds.has(r[0] as bigint) || seen.has(key)) continue;
      seen.add(key);
      out.push(this.span(r));
    }
    return out;
  }

  /** Forgets decoded resources and scopes when there are many (call between queries, never during one). */
  trim(): void {
    if (this.resources.size > 10_000) this.resources = new Map();
    if (this.scopes.size > 10_000) this.scopes = new Map();
  }

  private span(r: DuckDBValue[]): Span {
    const start = r[3] as bigint;
    const extra = readSpanExtra((r[13] as DuckDBBlobValue).bytes);
    const parent = r[2] as bigint;
    return {
      traceId: (r[0] as bigint).toString(16).padStart(32, '0'),
      spanId: (r[1] as bigint).toString(16).padStart(16, '0'),
      parentSpanId: parent === 0n ? '' : parent.toString(16).padStart(16, '0'),
      traceState: r[10] as string,
      name: r[5] as string,
      kind: r[6] as SpanKind,
      startTimeUnixNano: start,
      endTimeUnixNano: start + (r[4] as bigint),
      attributes: extra.attributes,
      droppedAttributesCount: extra.droppedAttributesCount,
      events: extra.events,
      droppedEventsCount: extra.droppedEventsCount,
      links: extra.links,
      droppedLinksCount: extra.droppedLinksCount,
      status: { code: r[7] as StatusCode, message: r[8] as string },
      flags: r[9] as number,
      resource: this.known(this.resources, r[11] as bigint, 'resource'),
      scope: this.known(this.scopes, r[12] as bigint, 'scope'),
    };
  }

  private known<T>(map: Map<bigint, T>, id: bigint, what: string): T {
    const v = map.get(id);
    if (v === undefined) throw new Error(`embedded store: ${what} ${id} of a stored span is missing`);
    return v;
  }
}
