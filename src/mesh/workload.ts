import { createHash } from 'node:crypto';
import type { MeshConfig } from './config.ts';

/** Who a proxy speaks for: what Envoy knows from its node metadata. */
export interface Workload {
  app: string;
  version: string;
  namespace: string;
  pod: string;
  /** Zipkin localEndpoint.serviceName: `<app>.<namespace>`. */
  spanService: string;
  /** `sidecar~<ip>~<pod>.<ns>~<ns>.svc.cluster.local` or `router~...` for the gateway. */
  nodeId: string;
  ip: string;
}

export function fqdn(service: string, namespace: string): string {
  return `${service}.${namespace}.svc.cluster.local`;
}

/** A stable Kubernetes-looking pod name, such as reviews-v2-5b64f47978-2xgxw. */
export function podName(app: string, version: string): string {
  const h = createHash('sha256').update(`${app}/${version}`).digest('hex');
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  const suffix = [...h.slice(10, 15)].map((c) => alphabet[parseInt(c, 16) % alphabet.length]).join('');
  return `${app}-${version}-${h.slice(0, 10)}-${suffix}`;
}

export function sidecarWorkload(config: MeshConfig, app: string, version: string): Workload {
  const pod = podName(app, version);
  const ns = config.namespace;
  return { app, version, namespace: ns, pod, spanService: `${app}.${ns}`, nodeId: `sidecar~127.0.0.1~${pod}.${ns}~${ns}.svc.cluster.local`, ip: '127.0.0.1' };
}

export function gatewayWorkload(): Workload {
  const pod = podName('istio-ingressgateway', 'v1').replace('-v1-', '-');
  const ns = 'istio-system';
  return {
    app: 'istio-ingressgateway',
    version: 'unknown',
    namespace: ns,
    pod,
    spanService: `istio-ingressgateway.${ns}`,
    nodeId: `router~127.0.0.1~${pod}.${ns}~${ns}.svc.cluster.local`,
    ip: '127.0.0.1',
  };
}

/** The tags every span of this workload carries (Istio's standard set plus the mesh's custom literal tags). */
export function workloadTags(config: MeshConfig, w: Workload): Record<string, string> {
  return {
    component: 'proxy',
    node_id: w.nodeId,
    'istio.canonical_service': w.app,
    'istio.canonical_revision': w.version === 'unknown' ? 'latest' : w.version,
    'istio.mesh_id': config.meshId,
    'istio.namespace': w.namespace,
    'istio.cluster_id': config.clusterId,
    ...config.tracing.customTags,
  };
}
