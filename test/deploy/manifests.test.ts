import assert from 'node:assert/strict';
import path from 'node:path';
import { before, test } from 'node:test';
import { readFileSync } from 'node:fs';
import { effective, option, PORT_FLAGS } from './container.ts';
import { DEPLOY, loadFile, loadYaml, manifestFiles, renderKustomize, validateObject, type K8sObject, type Source } from './manifests.ts';
import {
  checkIstioRouting,
  checkPolicies,
  checkServices,
  checkTelemetry,
  checkWorkloads,
  containers,
  find,
  podLabels,
  resolvePort,
  workloads,
  type ExtensionProvider,
} from './references.ts';
import { ROOT } from '../support/waymark.ts';

let base: Source;
let production: Source;
before(async () => {
  [base, production] = await Promise.all([
    renderKustomize(path.join(DEPLOY, 'waymark')),
    renderKustomize(path.join(DEPLOY, 'overlays/production')),
  ]);
});

const file = (rel: string): Source => loadFile(path.join(DEPLOY, rel));
const get = (src: Source, kind: string, name: string): K8sObject => {
  const o = find(src.objects, kind, name);
  assert.ok(o, `${src.origin} has no ${kind}/${name}`);
  return o;
};

test('every plain manifest validates against the Kubernetes and Istio schemas', async () => {
  const files = manifestFiles();
  assert.ok(files.length >= 10, `found only ${files.length} manifest files`);
  const kinds = new Set<string>();
  for (const f of files) {
    const { origin, objects } = loadFile(f);
    assert.ok(objects.length > 0, `${origin} holds no object`);
    for (const o of objects) {
      await validateObject(o, origin);
      kinds.add(o.kind);
    }
  }
  for (const k of ['Deployment', 'DaemonSet', 'Service', 'ServiceAccount', 'PersistentVolumeClaim', 'PodDisruptionBudget', 'NetworkPolicy', 'IstioOperator', 'Telemetry', 'Gateway', 'VirtualService', 'DestinationRule']) {
    assert.ok(kinds.has(k), `no ${k} was validated`);
  }
});

test('the base and the production overlay render with kustomize and validate', async () => {
  for (const src of [base, production]) {
    assert.ok(src.objects.length >= 10, `${src.origin} rendered ${src.objects.length} objects`);
    for (const o of src.objects) await validateObject(o, src.origin);
  }
});

test('the schema validation rejects a broken manifest (the check can fail)', async () => {
  const broken = structuredClone(get(base, 'Deployment', 'waymark'));
  broken.spec.replicas = 'one';
  await assert.rejects(validateObject(broken, 'test'), /replicas/);
  const telemetry = structuredClone(file('istio/telemetry.yaml').objects[0]!);
  telemetry.spec.tracing[0].randomSamplingPercentage = '10%';
  await assert.rejects(validateObject(telemetry, 'test'), /randomSamplingPercentage/);
});

test('cross-references hold: selectors, Service and NetworkPolicy ports, probes, volumes, accounts', () => {
  const bookinfo = [...file('bookinfo/bookinfo.yaml').objects, ...file('bookinfo/bookinfo-gateway.yaml').objects, ...file('bookinfo/destination-rule-all.yaml').objects];
  for (const [origin, objects] of [
    [base.origin, base.objects],
    [production.origin, production.objects],
    ['bookinfo', bookinfo],
  ] as const) {
    assert.deepEqual([...checkWorkloads(objects), ...checkServices(objects), ...checkPolicies(objects), ...checkIstioRouting(objects)], [], origin);
  }
  for (const vs of ['virtual-service-all-v1.yaml', 'virtual-service-reviews-test-v2.yaml']) {
    assert.deepEqual(checkIstioRouting([...bookinfo, ...file(`bookinfo/${vs}`).objects]), [], vs);
  }
});

test('the cross-reference checks catch a Service port that reaches no container and a blocked port', () => {
  const objects = structuredClone(base.objects);
  find(objects, 'Service', 'zipkin')!.spec.ports[0].targetPort = 'zipkin-typo';
  const np = find(objects, 'NetworkPolicy', 'waymark')!;
  np.spec.ingress[1].ports = np.spec.ingress[1].ports.filter((p: { port: string }) => p.port !== 'query-http');
  assert.match(checkServices(objects).join('\n'), /Service\/istio-system\/zipkin: port http-zipkin -> zipkin-typo reaches no container port/);
  assert.match(checkPolicies(objects).join('\n'), /blocks Service\/istio-system\/tracing port 80/);
});

function meshProviders(): { operator: ExtensionProvider[]; helm: ExtensionProvider[] } {
  const operator = file('istio/istio-operator.yaml').objects[0]!;
  const helm = loadYaml(path.join(DEPLOY, 'istio/istiod-values.yaml')) as { meshConfig: { extensionProviders: ExtensionProvider[] } };
  return { operator: operator.spec.meshConfig.extensionProviders, helm: helm.meshConfig.extensionProviders };
}

test('mesh config: the IstioOperator and the Helm values define the same providers, pointing at Waymark', async () => {
  const { operator, helm } = meshProviders();
  assert.deepEqual(helm, operator);
  assert.deepEqual(
    operator.map((p) => p.name),
    ['jaeger', 'zipkin'],
  );
  const iop = file('istio/istio-operator.yaml').objects[0]!;
  assert.equal(iop.spec.profile, 'demo');
  const values = loadYaml(path.join(DEPLOY, 'istio/istiod-values.yaml')) as { meshConfig: unknown };
  assert.deepEqual(values.meshConfig, iop.spec.meshConfig, 'the Helm values carry the same meshConfig as the IstioOperator');
  // The Helm values are no Kubernetes object: validate their meshConfig inside an IstioOperator.
  await validateObject({ ...iop, spec: { meshConfig: values.meshConfig } }, 'istio/istiod-values.yaml');

  const telemetry = [...file('istio/telemetry.yaml').objects, ...file('istio/telemetry-bookinfo.yaml').objects];
  assert.deepEqual(checkTelemetry([...base.objects, ...telemetry], operator), []);
  // and the check can fail
  const wrong = structuredClone(telemetry);
  wrong[0]!.spec.tracing[0].providers[0].name = 'otel';
  assert.match(checkTelemetry([...base.objects, ...wrong], operator).join('\n'), /provider otel is not in the mesh config/);
  const badPort = operator.map((p) => (p.opentelemetry ? { ...p, opentelemetry: { ...p.opentelemetry, port: 4318 } } : p));
  assert.match(checkTelemetry(base.objects, badPort).join('\n'), /provider jaeger: Service port http-otel must match/);
});

test('Telemetry: mesh-wide 10% sampling through the OTLP provider, custom tags of each kind', () => {
  const t = get(file('istio/telemetry.yaml'), 'Telemetry', 'mesh-default');
  assert.equal(t.metadata.namespace, 'istio-system', 'mesh-wide means the root namespace');
  assert.equal(t.spec.selector, undefined);
  const [rule] = t.spec.tracing;
  assert.equal(rule.randomSamplingPercentage, 10);
  assert.deepEqual(rule.providers, [{ name: 'jaeger' }]);
  const kinds = Object.values(rule.customTags as Record<string, object>).map((tag) => Object.keys(tag)[0]);
  assert.deepEqual(new Set(kinds), new Set(['literal', 'environment', 'header']));
});

test('the add-on is where Istio, Kiali and istioctl look for Jaeger', () => {
  const d = get(base, 'Deployment', 'waymark');
  assert.equal(d.metadata.namespace, 'istio-system');
  assert.equal(d.spec.replicas, 1);
  assert.equal(d.spec.strategy.type, 'Recreate', 'one writer on a ReadWriteOnce volume');
  const labels = podLabels(d);
  assert.equal(labels.app, 'jaeger', 'istioctl dashboard jaeger finds the pod by app=jaeger');
  assert.equal(labels['sidecar.istio.io/inject'], 'false');
  const [c] = containers(d);
  assert.equal(effective(c!, 'storage'), 'embedded');
  assert.equal(effective(c!, 'base-path'), '/jaeger');
  assert.equal(effective(c!, 'host'), '0.0.0.0', 'listens on the pod IP');
  const dataDir = argAfter(c!.args!, '--data-dir');
  const mount = c!.volumeMounts!.find((m) => m.mountPath === dataDir);
  assert.ok(mount, `--data-dir ${dataDir} is no volume mount`);
  const volume = d.spec.template.spec.volumes.find((v: { name: string }) => v.name === mount.name);
  const pvc = get(base, 'PersistentVolumeClaim', volume.persistentVolumeClaim.claimName);
  assert.deepEqual(pvc.spec.accessModes, ['ReadWriteOnce']);
  assert.ok(argAfter(c!.args!, '--retention'), 'a retention is set');

  // Every named container port is the port Waymark really opens with these args and env.
  for (const w of workloads(base.objects)) {
    for (const ct of containers(w)) {
      for (const p of ct.ports ?? []) {
        const flag = PORT_FLAGS[p.name ?? ''];
        assert.ok(flag, `${w.metadata.name}: container port ${p.name} is no Waymark port`);
        assert.equal(Number(effective(ct, flag)), p.containerPort, `${w.metadata.name}: --${flag} vs containerPort ${p.name}`);
      }
    }
  }

  const servicePorts = (name: string) =>
    (get(base, 'Service', name).spec.ports as { name: string; port: number; targetPort: string }[]).map((p) => ({
      name: p.name,
      port: p.port,
      to: resolvePort(d, p.targetPort)!.containerPort,
    }));
  assert.deepEqual(servicePorts('tracing'), [
    { name: 'http-query', port: 80, to: Number(option('query-port').default) },
    { name: 'grpc-query', port: 16685, to: 16685 },
  ]);
  assert.deepEqual(servicePorts('zipkin'), [{ name: 'http-zipkin', port: 9411, to: 9411 }]);
  assert.deepEqual(
    servicePorts('jaeger-collector').map((p) => [p.name, p.port, p.to]),
    [
      ['jaeger-collector-http', 14268, 14268],
      ['jaeger-collector-grpc', 14250, 14250],
      ['http-zipkin', 9411, 9411],
      ['grpc-otel', 4317, 4317],
      ['http-otel', 4318, 4318],
    ],
  );
  for (const s of ['tracing', 'zipkin', 'jaeger-collector']) assert.equal(get(base, 'Service', s).metadata.namespace, 'istio-system');
});

test('around it: probes and scraping on the admin port, limits, PDB, NetworkPolicies, an agent forwarding to the collector', () => {
  for (const w of workloads(base.objects)) {
    const annotations = w.spec.template.metadata.annotations;
    assert.equal(annotations['prometheus.io/scrape'], 'true', w.metadata.name);
    assert.equal(annotations['prometheus.io/path'], '/metrics', w.metadata.name);
    for (const c of containers(w)) {
      const admin = Number(effective(c, 'admin-port'));
      assert.equal(Number(annotations['prometheus.io/port']), admin, `${w.metadata.name} scrape port`);
      for (const kind of ['startupProbe', 'readinessProbe', 'livenessProbe'] as const) {
        const probe = c[kind]?.httpGet;
        assert.ok(probe, `${w.metadata.name}: no ${kind}`);
        assert.equal(probe.path, '/health');
        assert.equal(resolvePort(w, probe.port)?.containerPort, admin, `${w.metadata.name}: ${kind} is on the admin port`);
      }
      assert.ok(c.resources?.limits?.memory && c.resources.requests?.cpu && c.resources.requests.memory, `${w.metadata.name} sizes`);
    }
  }
  get(base, 'PodDisruptionBudget', 'waymark');
  assert.deepEqual(
    base.objects.filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata.name),
    ['waymark', 'waymark-agent'],
  );
  const agent = get(base, 'DaemonSet', 'waymark-agent');
  const [ac] = containers(agent);
  assert.equal(ac!.args![0], 'agent');
  const upstream = new URL(effective(ac!, 'collector-endpoint'));
  const [svcName, svcNs] = upstream.hostname.split('.');
  const collector = get(base, 'Service', svcName!);
  assert.equal(collector.metadata.namespace, svcNs);
  const port = (collector.spec.ports as { name: string; port: number }[]).find((p) => p.port === Number(upstream.port));
  assert.equal(port?.name, 'http-otel', 'the agent forwards OTLP/HTTP to the collector Service');
  assert.equal(upstream.pathname, '/v1/traces');
  assert.equal(podLabels(agent)['sidecar.istio.io/inject'], 'false');
});

test('the production overlay keeps every object and only resizes', () => {
  const names = (src: Source) => src.objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
  assert.deepEqual(names(production), names(base));
  const [c] = containers(get(production, 'Deployment', 'waymark'));
  assert.equal(argAfter(c!.args!, '--retention'), '168h');
  assert.equal(c!.resources!.limits!.memory, '4Gi');
  assert.match(c!.env!.find((e) => e.name === 'NODE_OPTIONS')!.value!, /max-old-space-size=2560/);
  assert.equal(get(production, 'PersistentVolumeClaim', 'waymark-data').spec.resources.requests.storage, '100Gi');
  const version = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  for (const src of [base, production]) {
    for (const w of workloads(src.objects)) for (const ct of containers(w)) assert.ok(String((ct as { image?: string }).image).endsWith(`waymark:${version}`), `${src.origin}: image tag is the package version`);
  }
});

test('Bookinfo has the Services, ServiceAccounts, versioned Deployments, Gateway and VirtualServices of Istio\'s', () => {
  const { objects } = file('bookinfo/bookinfo.yaml');
  const names = (kind: string) => objects.filter((o) => o.kind === kind).map((o) => o.metadata.name).sort();
  assert.deepEqual(names('Service'), ['details', 'productpage', 'ratings', 'reviews']);
  assert.deepEqual(names('ServiceAccount'), ['bookinfo-details', 'bookinfo-productpage', 'bookinfo-ratings', 'bookinfo-reviews']);
  assert.deepEqual(names('Deployment'), ['details-v1', 'productpage-v1', 'ratings-v1', 'reviews-v1', 'reviews-v2', 'reviews-v3']);
  for (const s of objects.filter((o) => o.kind === 'Service')) {
    assert.deepEqual(s.spec.ports, [{ port: 9080, name: 'http' }]);
    assert.deepEqual(s.metadata.labels, { app: s.metadata.name, service: s.metadata.name });
  }
  for (const d of workloads(objects)) {
    const [app, version] = d.metadata.name.split('-');
    assert.deepEqual(podLabels(d), { app, version });
    assert.equal(d.spec.template.spec.serviceAccountName, `bookinfo-${app}`);
  }
  const gw = file('bookinfo/bookinfo-gateway.yaml');
  const gateway = get(gw, 'Gateway', 'bookinfo-gateway');
  assert.deepEqual(gateway.spec.selector, { istio: 'ingressgateway' });
  assert.equal(gateway.spec.servers[0].port.number, 8080);
  const routes = get(gw, 'VirtualService', 'bookinfo').spec.http[0].match.map((m: { uri: Record<string, string> }) => Object.entries(m.uri)[0]!.join(' '));
  assert.deepEqual(routes, ['exact /productpage', 'prefix /static', 'exact /login', 'exact /logout', 'prefix /api/v1/products']);
  const jason = get(file('bookinfo/virtual-service-reviews-test-v2.yaml'), 'VirtualService', 'reviews').spec.http[0];
  assert.deepEqual(jason.match, [{ headers: { 'end-user': { exact: 'jason' } } }]);
  assert.equal(jason.route[0].destination.subset, 'v2');
});

function argAfter(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}
