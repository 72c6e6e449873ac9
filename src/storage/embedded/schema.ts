/**
 * The tables of one partition file. Every partition is self-contained (its
 * own resources, scopes and operations), so dropping or isolating a file
 * never leaves dangling rows elsewhere.
 *
 * spans: one row per span, columnar. IDs as integers (16 and 8 bytes, not
 * 32/16 hex characters); `seq` is the partition-local row key that the
 * search table points to, since (trace_id, span_id) need not be unique.
 * span_tags: one row per span or event attribute (and event name, under
 * "event"), values as the strings search compares. resource_tags: the same
 * for resource attributes, once per distinct resource rather than per span.
 */
export function partitionSchema(c: string): string {
  return `
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
  resource_id BIGINT NOT NULL,
  scope_id BIGINT NOT NULL,
  extra BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS spans_trace_id ON ${c}.spans (trace_id);
CREATE TABLE IF NOT EXISTS ${c}.span_tags (seq BIGINT NOT NULL, key VARCHAR NOT NULL, value VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS ${c}.resources (id BIGINT NOT NULL, service VARCHAR NOT NULL, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS ${c}.resource_tags (id BIGINT NOT NULL, key VARCHAR NOT NULL, value VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS ${c}.scopes (id BIGINT NOT NULL, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS ${c}.operations (service VARCHAR NOT NULL, name VARCHAR NOT NULL, kind UTINYINT NOT NULL);
`;
}

/** Columns read back to rebuild a span (see span-rows.ts), in this order; `seq` only to recognise a row seen twice. */
export const SPAN_COLUMNS =
  's.trace_id, s.span_id, s.parent_span_id, s.start_ns, s.duration_ns, s.name, s.kind, s.status_code, s.status_message, s.flags, s.trace_state, s.resource_id, s.scope_id, s.extra, s.seq';
