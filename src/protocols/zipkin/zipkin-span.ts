/**
 * Zipkin v2 span semantics, the one shape every Zipkin decoder produces
 * (v2 JSON, v2 proto3, and v1 JSON/Thrift after the v1 -> v2 conversion),
 * so the mapping to the internal model is written once (to-model.ts).
 *
 * IDs are already validated and normalized (trace 32 hex, span 16 hex,
 * parent '' for a root). Times are integer microseconds since the epoch:
 * exact as JS numbers until 2^53 us (year 2255); decoders refuse larger.
 */
export interface ZipkinSpan {
  /** Position in the request (for v1, of the v1 span it came from): names the span in errors. */
  index: number;
  traceId: string;
  id: string;
  parentId: string;
  name: string;
  kind: ZipkinKind | undefined;
  /** Absent (undefined) when the reporter did not know it; 0 is treated as absent. */
  timestamp: number | undefined;
  duration: number | undefined;
  localEndpoint: ZipkinEndpoint | undefined;
  remoteEndpoint: ZipkinEndpoint | undefined;
  annotations: ZipkinAnnotation[];
  /** Key/value pairs in the order sent; a pair list so any key (even "__proto__") is safe. */
  tags: [string, string][];
  debug: boolean;
  shared: boolean;
}

export type ZipkinKind = 'CLIENT' | 'SERVER' | 'PRODUCER' | 'CONSUMER';

export const ZIPKIN_KINDS: readonly ZipkinKind[] = ['CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER'];

export interface ZipkinEndpoint {
  serviceName: string | undefined;
  ipv4: string | undefined;
  ipv6: string | undefined;
  /** 1..65535, undefined when unknown (0). */
  port: number | undefined;
}

export interface ZipkinAnnotation {
  timestamp: number;
  value: string;
}

/** Names a span in error messages: its index in the request and, once known, its ID. */
export function spanLabel(index: number, id?: string): string {
  return id ? `span ${index} (id ${id})` : `span ${index}`;
}
