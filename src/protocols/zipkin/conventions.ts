/**
 * Attribute and tag names the Zipkin mapping uses, in one place.
 *
 * Endpoint fields map to the names the OpenTelemetry Collector's zipkin
 * receiver uses (semantic conventions 1.6), which is what Jaeger v2 stores
 * for Zipkin spans, so searches written against Jaeger keep working.
 */
export const ATTR = {
  peerService: 'peer.service',
  peerIp: 'net.peer.ip',
  peerPort: 'net.peer.port',
  hostIp: 'net.host.ip',
  hostPort: 'net.host.port',
} as const;

/** Newer semantic-convention names the exporter also reads endpoints from. */
export const ATTR_ALIASES = {
  peerIp: ['network.peer.address'],
  peerPort: ['network.peer.port'],
  hostIp: ['network.local.address'],
  hostPort: ['network.local.port'],
} as const;

export const TAG = {
  error: 'error',
  statusCode: 'otel.status_code',
  statusDescription: 'otel.status_description',
  spanKind: 'span.kind',
  scopeName: 'otel.scope.name',
  scopeVersion: 'otel.scope.version',
  libraryName: 'otel.library.name',
  libraryVersion: 'otel.library.version',
  traceState: 'w3c.tracestate',
  serviceName: 'service.name',
} as const;

/**
 * Tags whose key starts with one of these describe the process, not the
 * operation (OpenTelemetry's Zipkin exporters flatten resource attributes
 * into tags): they go back to the resource.
 */
export const RESOURCE_TAG_PREFIXES: readonly string[] = [
  'service.',
  'telemetry.',
  'host.',
  'os.',
  'process.',
  'container.',
  'k8s.',
  'cloud.',
  'deployment.',
  'device.',
  'faas.',
  'webengine.',
];

export function isResourceTag(key: string): boolean {
  return RESOURCE_TAG_PREFIXES.some((p) => key.startsWith(p));
}

/** Jaeger's debug bit, carried in the model's flags next to W3C's sampled bit. */
export const FLAG_SAMPLED = 0x01;
export const FLAG_DEBUG = 0x02;
