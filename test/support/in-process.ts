import { Waymark } from '../../src/app/waymark.ts';
import { resolveConfig } from '../../src/config/load.ts';
import { silentTelemetry, type Telemetry } from '../../src/observability/telemetry.ts';
import type { StorageBackend } from '../../src/storage/api/storage.ts';
import { allocatePorts, type WaymarkPorts } from './waymark.ts';

export interface InProcessWaymark {
  waymark: Waymark;
  ports: WaymarkPorts;
  telemetry: Telemetry;
  queryUrl: string;
  adminUrl: string;
  stop(): Promise<void>;
}

/**
 * An all-in-one Waymark inside the test process, for tests that must reach
 * into it (hold the store's writer, pre-fill the store). Every listener on a
 * free 127.0.0.1 port; `flags` are extra settings by option path. Without
 * `storage` it opens the memory store (not the default embedded one, which
 * would write to ./data) unless `flags` choose another.
 */
export async function startInProcess(options: { storage?: StorageBackend; flags?: Record<string, string> } = {}): Promise<InProcessWaymark> {
  const ports = await allocatePorts();
  const config = resolveConfig({
    env: {},
    flags: {
      'storage.type': 'memory',
      host: '127.0.0.1',
      'query.port': String(ports.query),
      'query.grpcPort': String(ports.queryGrpc),
      'receivers.otlp.grpcPort': String(ports.otlpGrpc),
      'receivers.otlp.httpPort': String(ports.otlpHttp),
      'receivers.zipkin.port': String(ports.zipkin),
      'receivers.jaeger.httpPort': String(ports.jaegerHttp),
      'receivers.jaeger.grpcPort': String(ports.jaegerGrpc),
      'receivers.jaeger.compactPort': String(ports.jaegerCompact),
      'receivers.jaeger.binaryPort': String(ports.jaegerBinary),
      'admin.port': String(ports.admin),
      // The test's own work shares this event loop: it must not turn into push-back.
      'admission.maxEventLoopDelay': '0s',
      ...options.flags,
    },
  });
  const telemetry = silentTelemetry();
  const waymark = new Waymark({ role: 'all-in-one', config, telemetry, storage: options.storage });
  await waymark.start();
  return {
    waymark,
    ports,
    telemetry,
    queryUrl: `http://127.0.0.1:${ports.query}${config.query.basePath === '/' ? '' : config.query.basePath}`,
    adminUrl: `http://127.0.0.1:${ports.admin}`,
    stop: () => waymark.shutdown(),
  };
}
