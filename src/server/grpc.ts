import * as grpc from '@grpc/grpc-js';
import { DEFAULT_CONNECTION_LIMITS, type ConnectionLimits } from './limits.ts';

export interface GrpcListener {
  readonly port: number;
  close(): Promise<void>;
}

/** Default gRPC message limit, raised from grpc-js's 4 MiB to match Jaeger's and the collector's. */
export const DEFAULT_GRPC_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/**
 * Starts a grpc-js server with the given services on host:port.
 * `services` pairs a service definition with its implementation.
 */
export async function listenGrpc(
  services: { definition: grpc.ServiceDefinition; implementation: grpc.UntypedServiceImplementation }[],
  host: string,
  port: number,
  name: string,
  maxMessageBytes = DEFAULT_GRPC_MAX_MESSAGE_BYTES,
  limits: ConnectionLimits = DEFAULT_CONNECTION_LIMITS,
): Promise<GrpcListener> {
  const server = new grpc.Server({
    'grpc.max_receive_message_length': maxMessageBytes,
    'grpc.max_send_message_length': 64 * 1024 * 1024,
    // Streams beyond this wait in the client instead of in our memory.
    'grpc.max_concurrent_streams': limits.grpcMaxConcurrentStreams,
    ...(limits.idleTimeoutMs > 0 ? { 'grpc.max_connection_idle_ms': limits.idleTimeoutMs } : {}),
    ...(limits.grpcKeepaliveTimeMs > 0 ? { 'grpc.keepalive_time_ms': limits.grpcKeepaliveTimeMs, 'grpc.keepalive_timeout_ms': 20_000 } : {}),
  });
  for (const s of services) server.addService(s.definition, s.implementation);
  const bound = await new Promise<number>((resolve, reject) => {
    const addr = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
    server.bindAsync(addr, grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(new Error(`${name}: cannot listen on ${addr}: ${err.message}`)) : resolve(p),
    );
  });
  let closing: Promise<void> | undefined;
  return {
    port: bound,
    close() {
      closing ??= new Promise<void>((resolve) => {
        // forceShutdown does not call tryShutdown's callback: resolve here too, or close() would wait forever.
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 5_000);
        timer.unref();
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      return closing;
    },
  };
}
