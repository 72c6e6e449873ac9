/**
 * The tables of one partition file. Every partition is self-contained (its
 * own resources, scopes and operations), so dropping or isolating a file
 * never leaves dangling rows elsewhere. Sizes per span are measured on the
 * benchmark generator's data (docs/storage-embedded.md).
 *
 * spans: one row per span, columnar. IDs as integers (16 and 8 bytes, not
 * 32/16 hex characters); `seq` numbers the rows in append order, so it is
 * sorted and DuckDB's zone maps find a seq range in one row group.
 * `resource` and `scope` are small partition-local numbers. `extra` holds
 * events, links and dropped counts, NULL for the many spans without them.
 *
 * span_attrs: the one copy of the span attributes (attr-rows.ts), appended
 * grouped by key within each write batch. Keys are numbers (attr_keys),
 * run-length encoded, so a search for one key reads and compares the values
 * of the vectors holding that key only: 4x faster than rows in span order,
 * for the same size on disk (seq compresses worse, key and pos better).
 * `pos` restores the attribute order.
 *
 * trace_ranges: one row per trace and write batch: the seq range its spans
 * took. A trace lookup scans this small table (about a tenth of the rows of
 * spans) instead of keeping an index, then reads only that range of spans.
 * An ART index on spans.trace_id cost about 66 bytes per span and went
 * wrong under concurrent commits (DuckDB 1.5.6). `tid32`, the trace ID's low
 * 32 bits, is compared first: a quarter of the bytes of the 128-bit ID to
 * scan (1.0 vs 1.7 ms over 313k rows; format 3).
 *
 * attr_index: per write batch, a 32-bit hash of each distinct attribute
 * (key, value) and the batch's seq range (attr-index.ts): the skip data that
 * lets an attribute search read only the batches holding the value. Added in
 * format 3.
 */
export const FORMAT_VERSION = 3;

export function partitionSchema(c: string): string {
  return `
CREATE TABLE IF NOT EXISTS ${c}.meta (format INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS ${c}.spans (
  seq BIGINT NOT NULL,
  trace_id UHUGEINT NOT NULL,
  span_id UBIGINT NOT NULL,
  parent_span_id UBIGINT NOT NULL,
  start_ns BIGINT NOT NULL,
  duration_ns BIGINT NOT NULL,
  service VARCHAR NOT NULL,
  name VARCHAR NOT NULL,
  kind UTINYINT NOT NULL,
  status_code UTINYINT NOT NULL,
  status_message VARCHAR NOT NULL,
  flags UINTEGER NOT NULL,
  trace_state VARCHAR NOT NULL,
  resource UINTEGER NOT NULL,
  scope UINTEGER NOT NULL,
  extra BLOB
);
CREATE TABLE IF NOT EXISTS ${c}.span_attrs (seq BIGINT NOT NULL, key_id UINTEGER NOT NULL, value VARCHAR NOT NULL, type UTINYINT NOT NULL, pos UINTEGER NOT NULL, raw BLOB);
CREATE TABLE IF NOT EXISTS ${c}.attr_keys (id UINTEGER NOT NULL, key VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS ${c}.trace_ranges (tid32 UINTEGER NOT NULL, trace_id UHUGEINT NOT NULL, min_seq BIGINT NOT NULL, max_seq BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS ${c}.attr_index (hash UINTEGER NOT NULL, first_seq BIGINT NOT NULL, last_seq BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS ${c}.resources (id UINTEGER NOT NULL, hash BIGINT NOT NULL, service VARCHAR NOT NULL, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS ${c}.resource_tags (id UINTEGER NOT NULL, key VARCHAR NOT NULL, value VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS ${c}.scopes (id UINTEGER NOT NULL, hash BIGINT NOT NULL, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS ${c}.operations (service VARCHAR NOT NULL, name VARCHAR NOT NULL, kind UTINYINT NOT NULL);
`;
}

/** Columns read back to rebuild a span (see span-rows.ts), in this order. */
export const SPAN_COLUMNS =
  's.seq, s.trace_id, s.span_id, s.parent_span_id, s.start_ns, s.duration_ns, s.name, s.kind, s.status_code, s.status_message, s.flags, s.trace_state, s.resource, s.scope, s.extra';
