import type { Context, Hono } from 'hono';
import type { WaymarkMetrics } from '../../observability/metrics.ts';
import type { HttpEnv } from '../../server/http.ts';
import { toQueryFailure, type QueryFailure } from '../errors.ts';

export type QueryApi = 'legacy' | 'v3';

export type Handler = (c: Context<HttpEnv>) => Promise<Response>;

/**
 * Registers routes under the base path; each is timed into the query latency
 * histogram and has its errors mapped once, in the shape of its API.
 */
export class QueryRouter {
  private readonly app: Hono<HttpEnv>;
  private readonly base: string;
  private readonly metrics: WaymarkMetrics | undefined;

  constructor(app: Hono<HttpEnv>, basePath: string, metrics: WaymarkMetrics | undefined) {
    this.app = app;
    this.base = basePath === '/' ? '' : basePath;
    this.metrics = metrics;
  }

  get(path: string, api: QueryApi, onError: (f: QueryFailure, c: Context<HttpEnv>) => Response, handler: Handler): void {
    this.app.get(this.base + path, this.wrap(path, api, onError, handler));
  }

  post(path: string, api: QueryApi, onError: (f: QueryFailure, c: Context<HttpEnv>) => Response, handler: Handler): void {
    this.app.post(this.base + path, this.wrap(path, api, onError, handler));
  }

  private wrap(endpoint: string, api: QueryApi, onError: (f: QueryFailure, c: Context<HttpEnv>) => Response, handler: Handler): Handler {
    return async (c) => {
      const started = process.hrtime.bigint();
      try {
        return await handler(c);
      } catch (err) {
        return onError(toQueryFailure(err), c);
      } finally {
        this.metrics?.querySeconds.observe({ api, endpoint }, Number(process.hrtime.bigint() - started) / 1e9);
      }
    };
  }
}
