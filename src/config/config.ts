/** The resolved configuration of one Waymark process (defaults < YAML < env < flags). */
export interface WaymarkConfig {
  /** Address every listener binds to. */
  host: string;
  logLevel: string;
  receivers: {
    otlp: { grpcPort: number; httpPort: number };
    zipkin: { port: number };
    jaeger: { httpPort: number; grpcPort: number; compactPort: number; binaryPort: number };
  };
  limits: {
    /** Largest request body, checked on the wire and again after decompression. */
    maxRequestBytes: number;
    /** Attribute values longer than this are truncated (0: never). */
    maxAttributeValueLength: number;
  };
  /** Ingest admission, shared by every receiver (see src/pipeline/admission.ts). */
  admission: { maxBytesInFlight: number; maxRequestsInFlight: number; memoryLimitMiB: number; memorySpikeLimitMiB: number; maxEventLoopDelay: string; maxQueueDelay: string };
  queue: { capacitySpans: number; maxBatchSpans: number };
  storage: {
    type: string;
    memory: { maxTraces: number };
    embedded: { dataDir: string; retention: string; maxDiskBytes: number; memoryLimit: string; checkpointThreshold: string; partitionWidth: string };
  };
  query: {
    port: number;
    grpcPort: number;
    basePath: string;
    maxClockSkewAdjust: string;
    maxLimit: number;
    maxWindow: string;
    timeout: string;
    maxAnswerBytes: number;
  };
  admin: { port: number };
  /** Connection limits of every HTTP and gRPC listener (durations are Go duration strings). */
  server: {
    headerTimeout: string;
    requestTimeout: string;
    keepAliveTimeout: string;
    idleTimeout: string;
    maxConnections: number;
    grpcKeepaliveTime: string;
    grpcMaxConcurrentStreams: number;
  };
  agent: {
    /** Upstream collector's OTLP/HTTP traces URL (e.g. http://collector:4318/v1/traces). */
    collectorEndpoint: string;
    /** Give up on a batch (and answer the client with an error) after this long. */
    maxRetrySeconds: number;
  };
}

/** A port of 0 turns that listener off. */
export const DISABLED_PORT = 0;
