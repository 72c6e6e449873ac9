// Cross-reference checks between manifests: the mistakes a schema cannot see
// (a Service selecting no pod, a targetPort no container opens, a probe on a
// port that does not exist, a NetworkPolicy that blocks a Service's port).
// Each check returns the problems it found, so a test can assert an empty list.
import type { K8sObject } from './manifests.ts';

export const WORKLOAD_KINDS = new Set(['Deployment', 'DaemonSet', 'StatefulSet']);

export interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol?: string;
}

export interface Container {
  name: string;
  command?: string[];
  args?: string[];
  env?: { name: string; value?: string }[];
  ports?: ContainerPort[];
  startupProbe?: Probe;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  volumeMounts?: { name: string; mountPath: string }[];
}

export interface Probe {
  httpGet?: { path?: string; port: number | string };
  tcpSocket?: { port: number | string };
}

export const ns = (o: K8sObject): string => o.metadata.namespace ?? 'default';
export const id = (o: K8sObject): string => `${o.kind}/${ns(o)}/${o.metadata.name}`;

export function workloads(objects: K8sObject[]): K8sObject[] {
  return objects.filter((o) => WORKLOAD_KINDS.has(o.kind));
}

export function podLabels(w: K8sObject): Record<string, string> {
  return w.spec.template.metadata?.labels ?? {};
}

export function containers(w: K8sObject): Container[] {
  return w.spec.template.spec.containers as Container[];
}

export function find(objects: K8sObject[], kind: string, name: string, namespace?: string): K8sObject | undefined {
  return objects.find((o) => o.kind === kind && o.metadata.name === name && (namespace === undefined || ns(o) === namespace));
}

function matches(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  return selector !== undefined && Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** The workloads in `namespace` whose pods a label selector picks. */
export function selected(objects: K8sObject[], namespace: string, selector: Record<string, string> | undefined): K8sObject[] {
  return workloads(objects).filter((w) => ns(w) === namespace && matches(selector, podLabels(w)));
}

/** A port reference (number or container port name) resolved against a pod's containers. */
export function resolvePort(w: K8sObject, port: number | string, protocol = 'TCP'): ContainerPort | undefined {
  for (const c of containers(w)) {
    for (const p of c.ports ?? []) {
      if ((p.protocol ?? 'TCP') !== protocol) continue;
      if (typeof port === 'string' ? p.name === port : p.containerPort === port) return p;
    }
  }
  return undefined;
}

export function checkWorkloads(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const w of workloads(objects)) {
    const pod = w.spec.template.spec;
    if (!matches(w.spec.selector?.matchLabels, podLabels(w))) problems.push(`${id(w)}: selector does not match its pod template's labels`);
    const volumes = new Map<string, { persistentVolumeClaim?: { claimName: string } }>((pod.volumes ?? []).map((v: { name: string }) => [v.name, v]));
    if (pod.serviceAccountName && !find(objects, 'ServiceAccount', pod.serviceAccountName, ns(w))) {
      problems.push(`${id(w)}: ServiceAccount ${pod.serviceAccountName} is not defined`);
    }
    for (const v of volumes.values()) {
      const claim = v.persistentVolumeClaim?.claimName;
      if (claim && !find(objects, 'PersistentVolumeClaim', claim, ns(w))) problems.push(`${id(w)}: PersistentVolumeClaim ${claim} is not defined`);
    }
    for (const c of containers(w)) {
      for (const m of c.volumeMounts ?? []) if (!volumes.has(m.name)) problems.push(`${id(w)}: container ${c.name} mounts undefined volume ${m.name}`);
      for (const kind of ['startupProbe', 'readinessProbe', 'livenessProbe'] as const) {
        const probe = c[kind];
        const port = probe?.httpGet?.port ?? probe?.tcpSocket?.port;
        if (port !== undefined && !resolvePort(w, port)) problems.push(`${id(w)}: ${kind} port ${port} is no container port`);
      }
      if (!c.resources?.requests || !c.resources.limits) problems.push(`${id(w)}: container ${c.name} lacks resource requests or limits`);
    }
    const scrapePort = w.spec.template.metadata?.annotations?.['prometheus.io/port'];
    if (scrapePort !== undefined && !resolvePort(w, Number(scrapePort))) problems.push(`${id(w)}: prometheus.io/port ${scrapePort} is no container port`);
  }
  return problems;
}

export function checkServices(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const s of objects.filter((o) => o.kind === 'Service')) {
    const targets = selected(objects, ns(s), s.spec.selector);
    if (targets.length === 0) {
      problems.push(`${id(s)}: selector ${JSON.stringify(s.spec.selector)} matches no workload`);
      continue;
    }
    for (const p of s.spec.ports as { name?: string; port: number; targetPort?: number | string; protocol?: string }[]) {
      for (const w of targets) {
        if (!resolvePort(w, p.targetPort ?? p.port, p.protocol ?? 'TCP')) {
          problems.push(`${id(s)}: port ${p.name ?? p.port} -> ${p.targetPort ?? p.port} reaches no container port of ${id(w)}`);
        }
      }
    }
  }
  return problems;
}

interface PolicyPort {
  port?: number | string;
  protocol?: string;
}

/** PDB and NetworkPolicy selectors pick pods; NetworkPolicy ports exist and let every Service port through. */
export function checkPolicies(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const pdb of objects.filter((o) => o.kind === 'PodDisruptionBudget')) {
    if (selected(objects, ns(pdb), pdb.spec.selector?.matchLabels).length === 0) problems.push(`${id(pdb)}: selector matches no workload`);
  }
  for (const np of objects.filter((o) => o.kind === 'NetworkPolicy')) {
    const pods = selected(objects, ns(np), np.spec.podSelector?.matchLabels);
    if (pods.length === 0) {
      problems.push(`${id(np)}: podSelector matches no workload`);
      continue;
    }
    const allowed: PolicyPort[] = (np.spec.ingress ?? []).flatMap((r: { ports?: PolicyPort[] }) => r.ports ?? []);
    for (const w of pods) {
      const open = new Set<string>();
      for (const p of allowed) {
        const resolved = p.port === undefined ? undefined : resolvePort(w, p.port, p.protocol ?? 'TCP');
        if (!resolved) problems.push(`${id(np)}: port ${p.port}/${p.protocol ?? 'TCP'} is no container port of ${id(w)}`);
        else open.add(`${resolved.containerPort}/${p.protocol ?? 'TCP'}`);
      }
      for (const s of objects.filter((o) => o.kind === 'Service' && ns(o) === ns(w) && matches(o.spec.selector, podLabels(w)))) {
        for (const p of s.spec.ports as { port: number; targetPort?: number | string; protocol?: string }[]) {
          const resolved = resolvePort(w, p.targetPort ?? p.port, p.protocol ?? 'TCP');
          if (resolved && !open.has(`${resolved.containerPort}/${p.protocol ?? 'TCP'}`)) {
            problems.push(`${id(np)}: blocks ${id(s)} port ${p.port} (container port ${resolved.containerPort})`);
          }
        }
      }
    }
  }
  return problems;
}

interface Destination {
  host: string;
  subset?: string;
  port?: { number: number };
}

/** Istio routing: gateways, hosts, ports and subsets that VirtualServices name exist, and subsets select pods. */
export function checkIstioRouting(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const dr of objects.filter((o) => o.kind === 'DestinationRule')) {
    const svc = find(objects, 'Service', dr.spec.host, ns(dr));
    if (!svc) {
      problems.push(`${id(dr)}: host ${dr.spec.host} is no Service`);
      continue;
    }
    for (const subset of dr.spec.subsets ?? []) {
      const pods = selected(objects, ns(dr), { ...svc.spec.selector, ...subset.labels });
      if (pods.length === 0) problems.push(`${id(dr)}: subset ${subset.name} selects no pods`);
    }
  }
  for (const vs of objects.filter((o) => o.kind === 'VirtualService')) {
    for (const gw of vs.spec.gateways ?? []) {
      if (gw !== 'mesh' && !find(objects, 'Gateway', gw, ns(vs))) problems.push(`${id(vs)}: gateway ${gw} is not defined`);
    }
    const routes: { destination: Destination }[] = (vs.spec.http ?? []).flatMap((h: { route?: unknown[] }) => h.route ?? []);
    for (const { destination: d } of routes) {
      const svc = find(objects, 'Service', d.host, ns(vs));
      if (!svc) {
        problems.push(`${id(vs)}: destination ${d.host} is no Service`);
        continue;
      }
      if (d.port && !(svc.spec.ports as { port: number }[]).some((p) => p.port === d.port!.number)) {
        problems.push(`${id(vs)}: ${d.host} has no port ${d.port.number}`);
      }
      if (d.subset) {
        const rule = objects.find((o) => o.kind === 'DestinationRule' && o.spec.host === d.host && ns(o) === ns(vs));
        if (!rule?.spec.subsets?.some((s: { name: string }) => s.name === d.subset)) problems.push(`${id(vs)}: ${d.host} has no subset ${d.subset}`);
      }
    }
  }
  return problems;
}

export interface ExtensionProvider {
  name: string;
  opentelemetry?: { service: string; port: number };
  zipkin?: { service: string; port: number };
}

/**
 * Every provider points at a Service and port that exist (`<svc>.<ns>.svc.cluster.local`), with the
 * port name Istio needs for the protocol; every Telemetry names a defined provider.
 */
export function checkTelemetry(objects: K8sObject[], providers: ExtensionProvider[]): string[] {
  const problems: string[] = [];
  for (const p of providers) {
    const kinds = (['opentelemetry', 'zipkin'] as const).filter((k) => p[k] !== undefined);
    if (kinds.length !== 1) {
      problems.push(`provider ${p.name}: expected exactly one of opentelemetry, zipkin`);
      continue;
    }
    const target = p[kinds[0]!]!;
    const m = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc\.cluster\.local$/.exec(target.service);
    const svc = m ? find(objects, 'Service', m[1]!, m[2]!) : undefined;
    const port = (svc?.spec.ports as { name?: string; port: number }[] | undefined)?.find((sp) => sp.port === target.port);
    if (!port) {
      problems.push(`provider ${p.name}: ${target.service}:${target.port} is no Service port`);
      continue;
    }
    const wanted = kinds[0] === 'opentelemetry' ? /^grpc-/ : /^http-/;
    if (!wanted.test(port.name ?? '')) problems.push(`provider ${p.name}: Service port ${port.name} must match ${wanted} for Istio to pick the protocol`);
  }
  const names = new Set(providers.map((p) => p.name));
  for (const t of objects.filter((o) => o.kind === 'Telemetry')) {
    for (const rule of t.spec.tracing ?? []) {
      for (const { name } of rule.providers ?? []) if (!names.has(name)) problems.push(`${id(t)}: provider ${name} is not in the mesh config`);
    }
  }
  return problems;
}
