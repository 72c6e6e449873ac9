import type { ZipkinEndpoint } from './zipkin-span.ts';

/**
 * A Zipkin v1 span, as both v1 encodings (JSON and Thrift) decode to it,
 * before v1-converter.ts turns it into v2 spans. IDs are validated and
 * normalized; times are microseconds (undefined when absent or 0).
 */
export interface V1Span {
  index: number;
  traceId: string;
  id: string;
  parentId: string;
  name: string;
  timestamp: number | undefined;
  duration: number | undefined;
  debug: boolean;
  annotations: V1Annotation[];
  binaryAnnotations: V1BinaryAnnotation[];
}

export interface V1Annotation {
  timestamp: number;
  value: string;
  endpoint: ZipkinEndpoint | undefined;
}

/**
 * A tag (`stringValue` set) or, when `stringValue` is undefined, an address
 * annotation ("ca", "sa", "ma") whose endpoint is the peer.
 */
export interface V1BinaryAnnotation {
  key: string;
  stringValue: string | undefined;
  endpoint: ZipkinEndpoint | undefined;
}

export const ADDRESS_KEYS: readonly string[] = ['ca', 'sa', 'ma'];
