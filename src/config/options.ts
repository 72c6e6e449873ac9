/**
 * Every setting, once: its flag, its environment variable, its YAML path and
 * its default. The CLI, the help text, env and YAML loading all read this table.
 */
export interface OptionSpec {
  /** Dotted path into WaymarkConfig, also the YAML key path. */
  path: string;
  flag: string;
  env: string;
  /** `duration` is a Go duration string ("72h", "1.5s"), `size` a byte size ("256MB"); both checked at start-up and kept as text. */
  kind: 'port' | 'int' | 'string' | 'duration' | 'size';
  default: number | string;
  description: string;
  /** Subcommands that use it. */
  roles: readonly Role[];
}

export type Role = 'all-in-one' | 'collector' | 'query' | 'agent';

/** The placeholder of the option's value in help text: `--retention <duration>`. */
export function valueName(opt: OptionSpec): string {
  return opt.kind === 'port' || opt.kind === 'int' ? 'n' : opt.kind === 'string' ? 'value' : opt.kind;
}
const ALL: readonly Role[] = ['all-in-one', 'collector', 'query', 'agent'];
const INGEST: readonly Role[] = ['all-in-one', 'collector', 'agent'];
const STORE: readonly Role[] = ['all-in-one', 'collector', 'query'];
const QUERY: readonly Role[] = ['all-in-one', 'query'];

function o(path: string, flag: string, kind: OptionSpec['kind'], def: number | string, description: string, roles: readonly Role[]): OptionSpec {
  return { path, flag, env: 'WAYMARK_' + flag.replaceAll('-', '_').toUpperCase(), kind, default: def, description, roles };
}

export const OPTIONS: readonly OptionSpec[] = [
  o('host', 'host', 'string', '0.0.0.0', 'address every listener binds to', ALL),
  o('logLevel', 'log-level', 'string', 'info', 'log level: debug, info, warn, error', ALL),
  o('receivers.otlp.grpcPort', 'otlp-grpc-port', 'port', 4317, 'OTLP/gRPC receiver port (0 disables)', INGEST),
  o('receivers.otlp.httpPort', 'otlp-http-port', 'port', 4318, 'OTLP/HTTP receiver port, POST /v1/traces (0 disables)', INGEST),
  o('receivers.zipkin.port', 'zipkin-port', 'port', 9411, 'Zipkin receiver port, POST /api/v2/spans and /api/v1/spans (0 disables)', INGEST),
  o('receivers.jaeger.httpPort', 'jaeger-http-port', 'port', 14268, 'Jaeger Thrift over HTTP receiver port, POST /api/traces (0 disables)', INGEST),
  o('receivers.jaeger.grpcPort', 'jaeger-grpc-port', 'port', 14250, 'Jaeger gRPC collector port, api_v2 PostSpans (0 disables)', INGEST),
  o('receivers.jaeger.compactPort', 'jaeger-compact-port', 'port', 6831, 'Jaeger agent UDP port, compact Thrift (0 disables)', INGEST),
  o('receivers.jaeger.binaryPort', 'jaeger-binary-port', 'port', 6832, 'Jaeger agent UDP port, binary Thrift (0 disables)', INGEST),
  o('limits.maxRequestBytes', 'max-request-bytes', 'int', 16 * 1024 * 1024, 'largest request body, before and after decompression', INGEST),
  o('limits.maxAttributeValueLength', 'max-attribute-length', 'int', 65536, 'attribute values longer than this are truncated and counted (0: never)', INGEST),
  o('admission.maxBytesInFlight', 'ingest-max-bytes', 'int', 64 * 1024 * 1024, 'request bytes (as sent, counted from Content-Length or the gRPC message size before decoding) that may be in flight at once across all receivers; beyond it requests are refused at once (HTTP 503 + Retry-After, gRPC UNAVAILABLE)', INGEST),
  o('admission.maxRequestsInFlight', 'ingest-max-requests', 'int', 512, 'ingest requests that may be in flight (received, not yet answered) at once across all receivers; beyond it requests are refused at once', INGEST),
  o('admission.memoryLimitMiB', 'memory-limit-mib', 'int', 0, "ingest refuses new requests while the process's memory in use (V8 heap plus buffers) is above this minus the spike limit, as the OpenTelemetry Collector's memory_limiter (0: off)", INGEST),
  o('admission.memorySpikeLimitMiB', 'memory-spike-limit-mib', 'int', 0, 'headroom under the memory limit kept for spikes between two measurements (0: 20% of the limit)', INGEST),
  o('admission.maxEventLoopDelay', 'max-event-loop-delay', 'duration', '500ms', 'ingest refuses new requests while the event loop lags more than this: a saturated loop reads sockets slowly, so requests would wait unread in the kernel instead of being refused (0s: off)', INGEST),
  o('admission.maxQueueDelay', 'max-queue-delay', 'duration', '3s', 'ingest refuses new requests while the oldest request has waited longer than this for the store, so a slow store pushes back early instead of keeping clients waiting (0s: off)', INGEST),
  o('queue.capacitySpans', 'queue-size', 'int', 200000, 'spans that may wait for the store; beyond it receivers push back', INGEST),
  o('queue.maxBatchSpans', 'batch-size', 'int', 8192, 'most spans written to the store in one batch', INGEST),
  o('storage.type', 'storage', 'string', 'embedded', 'span storage backend: embedded (persistent, on disk in the data dir) or memory (not persistent, lost on exit)', STORE),
  o('storage.memory.maxTraces', 'memory-max-traces', 'int', 100000, 'traces the memory store keeps; the oldest are evicted', STORE),
  o('storage.embedded.dataDir', 'data-dir', 'string', './data', 'embedded store: directory of its partition files', STORE),
  o('storage.embedded.retention', 'retention', 'duration', '168h', 'embedded store: how long spans are kept, a Go duration; whole partition files are deleted', STORE),
  o('storage.embedded.maxDiskBytes', 'max-disk', 'int', 0, 'embedded store: drop the oldest data beyond this many bytes on disk (0: no cap)', STORE),
  o('storage.embedded.memoryLimit', 'store-memory', 'size', '512MB', "embedded store: memory DuckDB may use for its buffers and unwritten data (a size like 256MB or 1GB); the process's RSS is roughly this plus the ingest queue", STORE),
  o('storage.embedded.checkpointThreshold', 'store-checkpoint-threshold', 'size', '128MB', 'embedded store: write-ahead log size at which DuckDB moves it into the partition file (larger: less CPU and disk, longer replay after a crash)', STORE),
  o('storage.embedded.partitionWidth', 'partition-width', 'duration', '24h', 'embedded store: span start time covered by one partition file (whole seconds); retention and the disk cap delete whole files', STORE),
  o('query.port', 'query-port', 'port', 16686, 'query HTTP port: Jaeger API, api_v3 (0 disables)', QUERY),
  o('query.grpcPort', 'query-grpc-port', 'port', 16685, 'query gRPC port: jaeger.api_v2/api_v3 QueryService (0 disables)', QUERY),
  o('query.basePath', 'base-path', 'string', '/', 'prefix for every HTTP route of the query port, e.g. /jaeger', QUERY),
  o('query.maxClockSkewAdjust', 'max-clock-skew-adjust', 'duration', '0s', 'largest clock skew correction of a span at query time, a Go duration such as 1s (0s turns it off, as in Jaeger v2)', QUERY),
  o('query.maxLimit', 'query-max-limit', 'int', 1000, 'most traces one search returns; a larger limit or search_depth is lowered to it, with a Waymark-Query-Warning (0: no cap)', QUERY),
  o('query.maxWindow', 'query-max-window', 'duration', '0s', 'widest search window; a wider one keeps its end and is narrowed, with a Waymark-Query-Warning (0s: the --retention period)', QUERY),
  o('query.timeout', 'query-timeout', 'duration', '30s', 'deadline of every query (a gRPC call deadline may shorten it); past it the store stops the query and the answer is 503 / DEADLINE_EXCEEDED (0s: none)', QUERY),
  o('query.maxAnswerBytes', 'query-max-answer-bytes', 'int', 64 * 1024 * 1024, 'span data one query answer may hold; the trace that does not fit is cut to its earliest spans, with a warning, and later ones are left out (0: no cap)', QUERY),
  o('server.headerTimeout', 'http-header-timeout', 'duration', '10s', 'every HTTP port: a client must send its request headers within this, or the connection is closed (slow clients)', ALL),
  o('server.requestTimeout', 'http-request-timeout', 'duration', '60s', 'every HTTP port: a client must send its whole request (headers and body) within this, or gets 408 and the connection is closed', ALL),
  o('server.keepAliveTimeout', 'keep-alive-timeout', 'duration', '5s', 'every HTTP port: an idle keep-alive connection is closed after this', ALL),
  o('server.idleTimeout', 'idle-timeout', 'duration', '120s', 'every port: a connection with nothing moving is closed after this (HTTP: no bytes either way; gRPC: no call open, max_connection_idle)', ALL),
  o('server.maxConnections', 'max-connections', 'int', 4096, 'every HTTP port: connections open at once; beyond it new ones are closed at once', ALL),
  o('server.grpcKeepaliveTime', 'grpc-keepalive-time', 'duration', '60s', 'every gRPC port: ping an idle client after this and close its connection if the ping goes unanswered for 20s (dead peers)', ALL),
  o('server.grpcMaxConcurrentStreams', 'grpc-max-concurrent-streams', 'int', 100, 'every gRPC port: calls one connection may have open at once (HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS)', ALL),
  o('admin.port', 'admin-port', 'port', 14269, 'admin port: GET /health, GET /metrics', ALL),
  o('agent.collectorEndpoint', 'collector-endpoint', 'string', 'http://127.0.0.1:4318/v1/traces', 'agent: upstream collector OTLP/HTTP traces URL', ['agent']),
  o('agent.maxRetrySeconds', 'max-retry-seconds', 'int', 30, 'agent: how long to retry a batch upstream before failing it', ['agent']),
];

/**
 * Jaeger all-in-one variables that Istio's add-on and existing deployments
 * set, mapped onto Waymark's settings where they mean something here.
 * Each returns the value in Waymark's terms, or undefined to ignore it.
 */
export const JAEGER_ENV_ALIASES: readonly { env: string; path: string; map(value: string): string | undefined }[] = [
  { env: 'SPAN_STORAGE_TYPE', path: 'storage.type', map: (v) => (v === 'badger' ? 'embedded' : v) },
  { env: 'MEMORY_MAX_TRACES', path: 'storage.memory.maxTraces', map: (v) => v },
  { env: 'BADGER_DIRECTORY_VALUE', path: 'storage.embedded.dataDir', map: (v) => v },
  { env: 'BADGER_SPAN_STORE_TTL', path: 'storage.embedded.retention', map: (v) => v },
  { env: 'QUERY_BASE_PATH', path: 'query.basePath', map: (v) => v },
  { env: 'COLLECTOR_ZIPKIN_HOST_PORT', path: 'receivers.zipkin.port', map: portOf },
  { env: 'COLLECTOR_OTLP_GRPC_HOST_PORT', path: 'receivers.otlp.grpcPort', map: portOf },
  { env: 'COLLECTOR_OTLP_HTTP_HOST_PORT', path: 'receivers.otlp.httpPort', map: portOf },
  { env: 'COLLECTOR_HTTP_HOST_PORT', path: 'receivers.jaeger.httpPort', map: portOf },
  { env: 'COLLECTOR_GRPC_HOST_PORT', path: 'receivers.jaeger.grpcPort', map: portOf },
  { env: 'QUERY_HTTP_SERVER_HOST_PORT', path: 'query.port', map: portOf },
  { env: 'QUERY_GRPC_SERVER_HOST_PORT', path: 'query.grpcPort', map: portOf },
  { env: 'ADMIN_HTTP_HOST_PORT', path: 'admin.port', map: portOf },
  { env: 'PROCESSOR_JAEGER_COMPACT_SERVER_HOST_PORT', path: 'receivers.jaeger.compactPort', map: portOf },
  { env: 'PROCESSOR_JAEGER_BINARY_SERVER_HOST_PORT', path: 'receivers.jaeger.binaryPort', map: portOf },
  { env: 'LOG_LEVEL', path: 'logLevel', map: (v) => v },
  { env: 'REPORTER_GRPC_HOST_PORT', path: 'agent.collectorEndpoint', map: (v) => `http://${v.replace(/:\d+$/, '')}:4318/v1/traces` },
];

/** ":9411" or "0.0.0.0:9411" -> "9411"; an empty value (Jaeger's way to disable) -> "0". */
function portOf(hostPort: string): string | undefined {
  if (hostPort.trim() === '') return '0';
  const m = /:(\d+)$/.exec(hostPort.trim()) ?? /^(\d+)$/.exec(hostPort.trim());
  return m ? m[1] : undefined;
}
