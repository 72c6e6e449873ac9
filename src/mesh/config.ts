import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { parseGoDuration } from '../model/time.ts';

/**
 * The local mesh's configuration: a small, Istio-flavoured YAML. Services and
 * their instances (one sidecar each), an ingress gateway, and routing rules
 * shaped like VirtualService `http` entries. Durations are Go durations
 * ("3s", "250ms"), as in Istio.
 */
export interface MeshConfig {
  namespace: string;
  meshId: string;
  clusterId: string;
  tracing: TracingConfig;
  gateway: GatewayConfig;
  services: ServiceConfig[];
  /** Routing rules per destination service (VirtualService.spec.http). */
  virtualServices: VirtualServiceConfig[];
}

export interface TracingConfig {
  /** zipkin: Zipkin v2 JSON to `endpoint` (Envoy's Zipkin tracer); otlp: OTLP/HTTP JSON (Istio's demo-profile provider). */
  provider: 'zipkin' | 'otlp';
  endpoint: string;
  /** Head sampling for requests arriving without a decision, 0-100. */
  randomSamplingPercentage: number;
  flushIntervalMs: number;
  maxBatchSpans: number;
  /** Custom literal tags added to every span (Telemetry customTags, literal kind). */
  customTags: Record<string, string>;
}

export interface GatewayConfig {
  port: number;
  http: HttpRoute[];
}

export interface ServiceConfig {
  name: string;
  /** The service port in names and clusters (Bookinfo: 9080). */
  port: number;
  instances: InstanceConfig[];
}

export interface InstanceConfig {
  version: string;
  /** Where the application listens (127.0.0.1). */
  appPort: number;
  /** The sidecar's inbound listener: callers' sidecars send here. */
  inboundPort: number;
  /** The sidecar's outbound listener: the application sends its calls here, with Host: <service>:<port>. */
  outboundPort: number;
}

export interface VirtualServiceConfig {
  host: string;
  http: HttpRoute[];
}

export interface HttpRoute {
  name?: string;
  /** Any one match (OR) selects the route; within a match every condition holds (AND). None: always. */
  match?: HttpMatch[];
  route: RouteDestination[];
  timeout?: string;
  retries?: { attempts: number; perTryTimeout?: string; retryOn?: string };
  fault?: {
    delay?: { fixedDelay: string; percentage?: { value: number } };
    abort?: { httpStatus: number; percentage?: { value: number } };
  };
}

export interface StringMatch {
  exact?: string;
  prefix?: string;
  regex?: string;
}

export interface HttpMatch {
  uri?: StringMatch;
  headers?: Record<string, StringMatch>;
}

export interface RouteDestination {
  destination: { host: string; subset?: string; port?: { number: number } };
  weight?: number;
}

export class MeshConfigError extends Error {}

export function loadMeshConfig(file: string): MeshConfig {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new MeshConfigError(`${file}: ${(err as Error).message}`);
  }
  return normalizeMeshConfig(raw, file);
}

/** Fills defaults and checks what a sidecar relies on; throws MeshConfigError naming the field. */
export function normalizeMeshConfig(raw: unknown, source = 'mesh config'): MeshConfig {
  const fail = (msg: string): never => {
    throw new MeshConfigError(`${source}: ${msg}`);
  };
  if (typeof raw !== 'object' || raw === null) fail('expected a YAML mapping');
  const r = raw as Omit<Partial<MeshConfig>, 'tracing'> & { tracing?: Partial<TracingConfig> };
  const t: Partial<TracingConfig> = r.tracing ?? {};
  const config: MeshConfig = {
    namespace: r.namespace ?? 'default',
    meshId: r.meshId ?? 'cluster.local',
    clusterId: r.clusterId ?? 'Kubernetes',
    tracing: {
      provider: t.provider ?? 'zipkin',
      endpoint: t.endpoint ?? (t.provider === 'otlp' ? 'http://127.0.0.1:4318/v1/traces' : 'http://127.0.0.1:9411/api/v2/spans'),
      randomSamplingPercentage: t.randomSamplingPercentage ?? 1,
      // Envoy's Zipkin tracer: every 5 s or every 5 spans.
      flushIntervalMs: t.flushIntervalMs ?? 5000,
      maxBatchSpans: t.maxBatchSpans ?? 5,
      customTags: t.customTags ?? {},
    },
    gateway: { port: r.gateway?.port ?? 8080, http: r.gateway?.http ?? [] },
    services: r.services ?? [],
    virtualServices: r.virtualServices ?? [],
  };
  const tr = config.tracing;
  if (tr.provider !== 'zipkin' && tr.provider !== 'otlp') fail(`tracing.provider: "${String(tr.provider)}" is neither zipkin nor otlp`);
  if (!(tr.randomSamplingPercentage >= 0 && tr.randomSamplingPercentage <= 100)) fail('tracing.randomSamplingPercentage: must be 0 to 100');
  if (!(tr.flushIntervalMs > 0) || !(tr.maxBatchSpans > 0)) fail('tracing.flushIntervalMs and maxBatchSpans: must be positive');
  const names = new Set<string>();
  for (const [i, s] of config.services.entries()) {
    if (!s?.name) fail(`services[${i}].name: missing`);
    if (names.has(s.name)) fail(`services[${i}].name: "${s.name}" appears twice`);
    names.add(s.name);
    s.port ??= 9080;
    if (!Array.isArray(s.instances) || s.instances.length === 0) fail(`services[${i}] (${s.name}).instances: at least one instance`);
    for (const inst of s.instances) {
      inst.version ??= 'v1';
      inst.appPort ??= 0;
      inst.inboundPort ??= 0;
      inst.outboundPort ??= 0;
    }
  }
  const checkRoutes = (where: string, routes: HttpRoute[]) => {
    for (const [j, route] of routes.entries()) {
      const at = `${where}.http[${j}]`;
      if (!Array.isArray(route.route) || route.route.length === 0) fail(`${at}.route: at least one destination`);
      for (const d of route.route) {
        const svc = config.services.find((s) => s.name === d.destination?.host);
        if (!svc) fail(`${at}.route: destination host "${d.destination?.host}" is not a service`);
        if (d.destination.subset && !svc!.instances.some((x) => x.version === d.destination.subset)) {
          fail(`${at}.route: service "${svc!.name}" has no subset "${d.destination.subset}"`);
        }
      }
      for (const [key, d] of [['timeout', route.timeout], ['retries.perTryTimeout', route.retries?.perTryTimeout], ['fault.delay.fixedDelay', route.fault?.delay?.fixedDelay]] as const) {
        if (d === undefined) continue;
        const ns = parseGoDuration(String(d));
        if (ns === undefined || ns < 0n) fail(`${at}.${key}: "${d}" is not a duration such as 3s or 250ms`);
      }
      for (const m of route.match ?? []) {
        for (const sm of [m.uri, ...Object.values(m.headers ?? {})]) {
          if (sm?.regex !== undefined) {
            try {
              new RegExp(sm.regex);
            } catch {
              fail(`${at}.match: bad regex "${sm.regex}"`);
            }
          }
        }
      }
    }
  };
  checkRoutes('gateway', config.gateway.http);
  for (const [i, vs] of config.virtualServices.entries()) {
    if (!names.has(vs.host)) fail(`virtualServices[${i}].host: "${vs.host}" is not a service`);
    checkRoutes(`virtualServices[${i}] (${vs.host})`, vs.http ?? []);
  }
  return config;
}

/** Milliseconds of a Go duration string. */
export function durationMs(d: string): number {
  return Number(parseGoDuration(d) ?? 0n) / 1e6;
}
