/**
 * Runs one Bookinfo service: `node examples/bookinfo/main.ts <productpage|details|reviews|ratings>`.
 * Environment: PORT (listen port, default 9080; 0: any, reported to a parent over IPC), LISTEN_HOST
 * (default 127.0.0.1; 0.0.0.0 in a pod), SERVICE_VERSION (v1; reviews v1/v2/v3, ratings v1 or a
 * fault variant), OUTBOUND_PROXY (host:port of the local mesh's outbound sidecar; unset: call the
 * upstreams directly), <SERVICE>_HOSTNAME, <SERVICE>_SERVICE_PORT and SERVICES_DOMAIN (where the
 * upstreams are, default <service>:9080), OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (default
 * http://127.0.0.1:4318/v1/traces), POD_NAME.
 */
import type { AddressInfo } from 'node:net';
import type { Tracer } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { setupTelemetry } from './telemetry.ts';

export interface AppContext {
  logger: Logger;
  tracer: Tracer;
  version: string;
}

const SERVICES = ['productpage', 'details', 'reviews', 'ratings'] as const;
const service = process.argv[2] as (typeof SERVICES)[number];
if (!SERVICES.includes(service)) {
  process.stderr.write(`usage: main.ts <${SERVICES.join('|')}>\n`);
  process.exit(2);
}
const version = process.env.SERVICE_VERSION ?? 'v1';
const port = Number(process.env.PORT ?? 9080);
const host = process.env.LISTEN_HOST || '127.0.0.1';
// Telemetry first: the HTTP instrumentation must be in place before the service's code runs.
const telemetry = setupTelemetry(service, version, process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? 'http://127.0.0.1:4318/v1/traces');
const { serve } = await import('./http.ts');
const ctx: AppContext = { logger: telemetry.logger, tracer: telemetry.tracer, version };
const routes =
  service === 'productpage'
    ? (await import('./productpage.ts')).productpageRoutes(ctx)
    : service === 'details'
      ? (await import('./details.ts')).detailsRoutes(ctx)
      : service === 'reviews'
        ? (await import('./reviews.ts')).reviewsRoutes(ctx)
        : (await import('./ratings.ts')).ratingsRoutes(ctx);
const server = await serve(port, routes, telemetry.logger, host);
const bound = (server.address() as AddressInfo).port;
telemetry.logger.info({ host, port: bound }, `${service} ${version} listening`);
// Started by the demo with PORT=0: tell it which port the kernel gave us.
process.send?.({ type: 'listening', port: bound });
process.channel?.unref();

let stopping = false;
async function stop(reason: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  telemetry.logger.info({ reason }, 'shutting down');
  server.close();
  server.closeAllConnections();
  // Flush the spans still batched before leaving.
  await telemetry.shutdown().catch(() => undefined);
  process.exit(0);
}
process.once('SIGTERM', () => void stop('SIGTERM'));
process.once('SIGINT', () => void stop('SIGINT'));
// Started by the demo with a pipe on stdin: when the demo goes away, so does this service.
if (process.env.BOOKINFO_EXIT_WITH_PARENT === '1') {
  process.stdin.on('end', () => void stop('parent exited'));
  process.stdin.on('error', () => void stop('parent exited'));
  process.stdin.resume();
}
