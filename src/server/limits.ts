import type { WaymarkConfig } from '../config/config.ts';
import { goDurationMs } from '../model/time.ts';

/**
 * What every listener enforces on its connections, so slow or idle clients
 * cannot hold sockets (and memory) open: HTTP header/request/keep-alive/idle
 * timeouts and a connection cap; gRPC idle close, keepalive pings and a
 * per-connection stream cap.
 */
export interface ConnectionLimits {
  headerTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  idleTimeoutMs: number;
  maxConnections: number;
  grpcKeepaliveTimeMs: number;
  grpcMaxConcurrentStreams: number;
}

/** The defaults of src/config/options.ts, for listeners started outside a configured process (unit tests). */
export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  headerTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 5_000,
  idleTimeoutMs: 120_000,
  maxConnections: 4096,
  grpcKeepaliveTimeMs: 60_000,
  grpcMaxConcurrentStreams: 100,
};

export function connectionLimits(server: WaymarkConfig['server']): ConnectionLimits {
  return {
    headerTimeoutMs: goDurationMs(server.headerTimeout),
    requestTimeoutMs: goDurationMs(server.requestTimeout),
    keepAliveTimeoutMs: goDurationMs(server.keepAliveTimeout),
    idleTimeoutMs: goDurationMs(server.idleTimeout),
    maxConnections: server.maxConnections,
    grpcKeepaliveTimeMs: goDurationMs(server.grpcKeepaliveTime),
    grpcMaxConcurrentStreams: server.grpcMaxConcurrentStreams,
  };
}
