import type { IncomingHttpHeaders } from 'node:http';
import { durationMs, type HttpMatch, type HttpRoute, type InstanceConfig, type MeshConfig, type ServiceConfig, type StringMatch } from './config.ts';

/** Where one request goes and what the route does to it on the way. */
export interface RouteDecision {
  service: ServiceConfig;
  instance: InstanceConfig;
  /** The subset (version) the route named; '' when it named none. */
  subset: string;
  timeoutMs: number | undefined;
  retry: RetryPolicy;
  /** A fault drawn for this request: delay first, then abort, as Envoy's fault filter. */
  delayMs: number;
  abortStatus: number | undefined;
}

export interface RetryPolicy {
  /** Retries after the first try. */
  attempts: number;
  perTryTimeoutMs: number | undefined;
  retryOn: Set<string>;
}

/** Istio's default when a route says nothing: 2 retries on connection problems and 503. */
const DEFAULT_RETRY_ON = 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes';

function matchString(m: StringMatch, value: string | undefined): boolean {
  if (value === undefined) return false;
  if (m.exact !== undefined) return value === m.exact;
  if (m.prefix !== undefined) return value.startsWith(m.prefix);
  if (m.regex !== undefined) return new RegExp(`^(?:${m.regex})$`).test(value);
  return true;
}

function matches(m: HttpMatch, headers: IncomingHttpHeaders, path: string): boolean {
  if (m.uri && !matchString(m.uri, path.split('?')[0])) return false;
  for (const [name, sm] of Object.entries(m.headers ?? {})) {
    const v = headers[name.toLowerCase()];
    if (!matchString(sm, Array.isArray(v) ? v[0] : v)) return false;
  }
  return true;
}

/** The first route whose match list holds (a route without matches always holds), as VirtualService. */
export function selectRoute(routes: readonly HttpRoute[], headers: IncomingHttpHeaders, path: string): HttpRoute | undefined {
  return routes.find((r) => !r.match || r.match.length === 0 || r.match.some((m) => matches(m, headers, path)));
}

export class Router {
  private readonly config: MeshConfig;
  private readonly random: () => number;
  private readonly roundRobin = new Map<string, number>();

  constructor(config: MeshConfig, random: () => number = Math.random) {
    this.config = config;
    this.random = random;
  }

  service(name: string): ServiceConfig | undefined {
    return this.config.services.find((s) => s.name === name);
  }

  /** The gateway's route for a request: undefined when none matches (Envoy answers 404, flag NR). */
  gatewayRoute(headers: IncomingHttpHeaders, path: string): HttpRoute | undefined {
    return selectRoute(this.config.gateway.http, headers, path);
  }

  /** Routes a request for `serviceName` through its VirtualService, or to any instance when it has none. */
  decide(serviceName: string, headers: IncomingHttpHeaders, path: string, forced?: HttpRoute): RouteDecision | undefined {
    const service = this.service(serviceName);
    if (!service) return undefined;
    const vs = this.config.virtualServices.find((v) => v.host === serviceName);
    const route = forced ?? (vs ? selectRoute(vs.http, headers, path) : undefined);
    let subset = '';
    if (route) {
      const dests = route.route.filter((d) => d.destination.host === serviceName);
      const total = dests.reduce((sum, d) => sum + (d.weight ?? (dests.length === 1 ? 100 : 0)), 0);
      let pick = this.random() * total;
      for (const d of dests) {
        pick -= d.weight ?? (dests.length === 1 ? 100 : 0);
        if (pick < 0) {
          subset = d.destination.subset ?? '';
          break;
        }
      }
    }
    const candidates = subset ? service.instances.filter((i) => i.version === subset) : service.instances;
    if (candidates.length === 0) return undefined;
    const key = `${serviceName}|${subset}`;
    const n = this.roundRobin.get(key) ?? 0;
    this.roundRobin.set(key, n + 1);
    const instance = candidates[n % candidates.length]!;
    const fault = route?.fault;
    const hit = (pct: number | undefined) => this.random() * 100 < (pct ?? 100);
    return {
      service,
      instance,
      subset,
      timeoutMs: route?.timeout ? durationMs(route.timeout) : undefined,
      retry: {
        attempts: route?.retries?.attempts ?? 2,
        perTryTimeoutMs: route?.retries?.perTryTimeout ? durationMs(route.retries.perTryTimeout) : undefined,
        retryOn: new Set((route?.retries?.retryOn ?? DEFAULT_RETRY_ON).split(',').map((s) => s.trim())),
      },
      delayMs: fault?.delay && hit(fault.delay.percentage?.value) ? durationMs(fault.delay.fixedDelay) : 0,
      abortStatus: fault?.abort && hit(fault.abort.percentage?.value) ? fault.abort.httpStatus : undefined,
    };
  }
}

/** Whether an upstream answer (or failure) is worth another try under the policy. */
export function shouldRetry(policy: RetryPolicy, status: number | undefined, failure: 'connect' | 'reset' | 'timeout' | undefined): boolean {
  const on = policy.retryOn;
  if (failure === 'connect') return on.has('connect-failure') || on.has('5xx') || on.has('gateway-error');
  if (failure === 'reset') return on.has('reset') || on.has('5xx');
  if (failure === 'timeout') return on.has('5xx') || on.has('gateway-error');
  if (status === undefined) return false;
  if (on.has('5xx') && status >= 500) return true;
  if (on.has('gateway-error') && (status === 502 || status === 503 || status === 504)) return true;
  return on.has('retriable-status-codes') && status === 503;
}
