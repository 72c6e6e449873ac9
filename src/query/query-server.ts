import { Hono } from 'hono';
import type { Component, Host } from '../component/component.ts';
import { parseGoDuration } from '../model/time.ts';
import { listenGrpc, type GrpcListener } from '../server/grpc.ts';
import { listenHttp, type HttpEnv, type HttpListener } from '../server/http.ts';
import type { ConnectionLimits } from '../server/limits.ts';
import type { StorageBackend } from '../storage/api/storage.ts';
import { standardAdjusters } from './adjusters/index.ts';
import { GrpcHandlers } from './grpc/handlers.ts';
import { API_V2_QUERY_SERVICE, apiV2QueryImplementation } from './grpc/v2-query-service.ts';
import { API_V3_QUERY_SERVICE, apiV3QueryImplementation } from './grpc/v3-query-service.ts';
import { registerLegacyRoutes } from './http/legacy-routes.ts';
import { legacyErrorResponse } from './http/respond.ts';
import { QueryRouter } from './http/router.ts';
import { registerStorageStatusRoute } from './http/storage-status-route.ts';
import { registerTransformRoute } from './http/transform-route.ts';
import { registerV3Routes } from './http/v3-routes.ts';
import type { Adjuster } from './adjusters/index.ts';
import { DEFAULT_QUERY_LIMITS, type QueryLimits } from './query-limits.ts';
import { QueryService } from './query-service.ts';
import { mountUi } from '../ui/serve.ts';

export interface QuerySettings {
  host: string;
  port: number;
  grpcPort: number;
  basePath: string;
  /** Largest clock-skew shift, a Go duration ("1s"); "0s" or absent (Jaeger v2's default) turns the adjuster off. */
  maxClockSkewAdjust?: string;
  /** The query caps and deadline (options.ts); absent: DEFAULT_QUERY_LIMITS. */
  maxLimit?: number;
  /** Go durations; a maxWindow of "0s" means `retention`. */
  maxWindow?: string;
  retention?: string;
  timeout?: string;
  maxAnswerBytes?: number;
  /** Timeouts and caps of both listeners (defaults when absent). */
  connections?: ConnectionLimits;
}

/** The query ports: Jaeger's HTTP API and api_v3 under the base path; the api_v2 and api_v3 gRPC QueryServices. */
export class QueryServer implements Component {
  private readonly settings: QuerySettings;
  private readonly backend: StorageBackend;
  private readonly adjuster: Adjuster;
  private readonly limits: QueryLimits;
  private service: QueryService | undefined;
  private http: HttpListener | undefined;
  private grpc: GrpcListener | undefined;

  constructor(settings: QuerySettings, backend: StorageBackend) {
    this.settings = settings;
    this.backend = backend;
    this.adjuster = standardAdjusters(clockSkewLimit(settings.maxClockSkewAdjust));
    this.limits = queryLimits(settings);
  }

  /** One service per server, counting into the host's metrics. */
  private serviceFor(host: Host | undefined): QueryService {
    this.service ??= new QueryService(this.backend, this.adjuster, this.limits, host?.telemetry.metrics);
    return this.service;
  }

  /** Bound ports, once started (useful when configured as ephemeral). */
  get ports(): { http: number | undefined; grpc: number | undefined } {
    return { http: this.http?.port, grpc: this.grpc?.port };
  }

  async start(host: Host): Promise<void> {
    const metrics = host.telemetry.metrics;
    if (this.settings.port !== 0) this.http = await listenHttp(this.buildApp(host), this.settings.host, this.settings.port, 'query', { limits: this.settings.connections });
    if (this.settings.grpcPort !== 0) {
      try {
        this.grpc = await listenGrpc(
          [
            { definition: API_V2_QUERY_SERVICE, implementation: apiV2QueryImplementation(this.serviceFor(host), new GrpcHandlers('jaeger.api_v2.QueryService', metrics)) },
            { definition: API_V3_QUERY_SERVICE, implementation: apiV3QueryImplementation(this.serviceFor(host), new GrpcHandlers('jaeger.api_v3.QueryService', metrics)) },
          ],
          this.settings.host,
          this.settings.grpcPort,
          'query gRPC',
          undefined,
          this.settings.connections,
        );
      } catch (err) {
        await this.shutdown();
        throw err;
      }
    }
  }

  buildApp(host: Host | undefined): Hono<HttpEnv> {
    const app = new Hono<HttpEnv>();
    const router = new QueryRouter(app, this.settings.basePath, host?.telemetry.metrics);
    registerLegacyRoutes(router, this.serviceFor(host));
    registerV3Routes(router, this.serviceFor(host));
    registerTransformRoute(router);
    registerStorageStatusRoute(router, this.serviceFor(host));
    mountUi(app, this.settings.basePath);
    app.notFound((c) => {
      const path = new URL(c.req.url).pathname;
      if (path.includes('/api/')) return legacyErrorResponse({ status: 404, message: `no route for ${c.req.method} ${path}` });
      return c.text('404 page not found\n', 404);
    });
    return app;
  }

  async shutdown(): Promise<void> {
    await Promise.all([this.http?.close(), this.grpc?.close()]);
  }
}

function queryLimits(s: QuerySettings): QueryLimits {
  const duration = (flag: string, text: string | undefined, def: bigint): bigint => {
    if (text === undefined || text.trim() === '') return def;
    const ns = parseGoDuration(text);
    if (ns === undefined || ns < 0n) throw new Error(`--${flag}: "${text}" is not a non-negative duration such as 30s or 168h`);
    return ns;
  };
  const window = duration('query-max-window', s.maxWindow, 0n);
  return {
    maxLimit: s.maxLimit ?? DEFAULT_QUERY_LIMITS.maxLimit,
    maxWindowNs: window > 0n ? window : duration('retention', s.retention, DEFAULT_QUERY_LIMITS.maxWindowNs),
    timeoutMs: Number(duration('query-timeout', s.timeout, BigInt(DEFAULT_QUERY_LIMITS.timeoutMs) * 1_000_000n) / 1_000_000n),
    maxAnswerBytes: s.maxAnswerBytes ?? DEFAULT_QUERY_LIMITS.maxAnswerBytes,
  };
}

function clockSkewLimit(text: string | undefined): bigint {
  if (text === undefined || text.trim() === '') return 0n;
  const ns = parseGoDuration(text);
  if (ns === undefined || ns < 0n) throw new Error(`--max-clock-skew-adjust: "${text}" is not a non-negative duration such as 500ms or 1s`);
  return ns;
}
