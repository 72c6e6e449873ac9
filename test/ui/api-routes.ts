import { QueryServer } from '../../src/query/query-server.ts';
import { MemoryStore } from '../../src/storage/memory/memory-store.ts';

export interface RouteMatcher {
  method: string;
  pattern: string;
  regex: RegExp;
}

/** The query server's own API route table (from its Hono app), to check what the UI calls against. */
export function apiRoutes(basePath: string): RouteMatcher[] {
  const app = new QueryServer({ host: '127.0.0.1', port: 0, grpcPort: 0, basePath }, new MemoryStore({ maxTraces: 1 })).buildApp(undefined);
  return app.routes
    .filter((r) => r.path.includes('/api/'))
    .map((r) => ({
      method: r.method,
      pattern: r.path,
      regex: new RegExp(`^${r.path.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z]+/g, '[^/]+').replace(/\*/g, '.*')}$`),
    }));
}

export function findRoute(routes: readonly RouteMatcher[], method: string, pathname: string): RouteMatcher | undefined {
  return routes.find((r) => (r.method === method || r.method === 'ALL' || (method === 'HEAD' && r.method === 'GET')) && r.regex.test(pathname));
}
