// Runs every Bookinfo Deployment's container exactly as the manifest gives it
// (the image's entrypoint and ENV, the container's args and env), outside a
// container, with stand-ins for what a cluster provides: a real Waymark on free
// ports for jaeger-collector.istio-system:4318, free ports where six pods would
// each have their own 9080, <SERVICE>_HOSTNAME/_SERVICE_PORT for the cluster
// DNS, a round-robin proxy for the reviews Service's three endpoints (kube-proxy)
// and the pod's name for the downward API. No sidecars: the apps call each other
// directly, as they do when Istio's iptables rules hand the calls to Envoy.
import assert from 'node:assert/strict';
import { execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, test, type TestContext } from 'node:test';
import { promisify } from 'node:util';
import { serviceAddress } from '../../examples/bookinfo/http.ts';
import { getTrace, type TSpan } from '../bookinfo/trace-checks.ts';
import { spawnSupervised } from '../support/child.ts';
import { freePort } from '../support/ports.ts';
import { ROOT, startWaymark, type RunningWaymark } from '../support/waymark.ts';
import { all, envOf, readDockerfile } from './dockerfile.ts';
import { DEPLOY, loadFile, type K8sObject } from './manifests.ts';
import { containers, find, workloads, type Container } from './references.ts';

const NODE = path.join(ROOT, 'node_modules/.bin/node');
const runtime = readDockerfile(path.join(ROOT, 'examples/bookinfo/Dockerfile')).at(-1)!;
const WORKDIR = all(runtime, 'WORKDIR').at(-1)!.args;
const ENTRYPOINT = all(runtime, 'ENTRYPOINT')[0]!.exec!;
const HEALTHCHECK = all(runtime, 'HEALTHCHECK')[0]!.exec!;
const bookinfo = loadFile(path.join(DEPLOY, 'bookinfo/bookinfo.yaml')).objects;
const addon = loadFile(path.join(DEPLOY, 'waymark/waymark.yaml')).objects;
const UPSTREAMS = ['details', 'reviews', 'ratings'];
const tmpDirs: string[] = [];
let defaultPortClaimed = false;
after(() => {
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
});

interface Pod {
  deployment: K8sObject;
  container: Container;
  port: number;
  child: ChildProcess;
  output(): string;
  stop(): Promise<number | null>;
}

/** The image's entrypoint on this machine: node 24 for `node`, the repository for the WORKDIR. */
function command(): [string, string[]] {
  const [program, ...args] = ENTRYPOINT;
  assert.equal(program, 'node');
  return [NODE, args.map((a) => (a.startsWith(`${WORKDIR}/`) ? path.join(ROOT, a.slice(WORKDIR.length + 1)) : a))];
}

/** The container's env as the kubelet gives it: plain values, and the downward API's pod name. */
function containerEnv(d: K8sObject, c: Container): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of c.env ?? []) {
    const ref = (e as { valueFrom?: { fieldRef?: { fieldPath: string } } }).valueFrom?.fieldRef?.fieldPath;
    if (ref !== undefined) {
      assert.equal(ref, 'metadata.name', `${d.metadata.name}: env ${e.name} from ${ref}`);
      env[e.name] = `${d.metadata.name}-7d4f9c-x2k8p`;
    } else env[e.name] = e.value!;
  }
  return env;
}

async function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '0.0.0.0', () => srv.close(() => resolve(true)));
  });
}

/** Local addresses the sockets listening on TCP `port` are bound to, from /proc/net (Linux). */
function boundAddresses(port: number): string[] {
  const out: string[] = [];
  for (const f of ['tcp', 'tcp6']) {
    for (const line of readFileSync(`/proc/net/${f}`, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 4 || cols[3] !== '0A') continue; // LISTEN
      const [addr, hexPort] = cols[1]!.split(':');
      if (parseInt(hexPort!, 16) === port) out.push(/^0+$/.test(addr!) ? 'any' : addr!);
    }
  }
  return out;
}

/**
 * Starts one Deployment's container. `cluster` maps what the pod would resolve through the
 * cluster (Service host:port, as the env names it) to where it is here.
 */
async function startPod(t: TestContext, d: K8sObject, cluster: Map<string, string>): Promise<Pod> {
  const c = containers(d)[0]!;
  const home = mkdtempSync(path.join(os.tmpdir(), 'bookinfo-pod-'));
  tmpDirs.push(home);
  // What a container runtime sets, the image's ENV, then the container's env.
  const env: Record<string, string> = { PATH: process.env.PATH!, HOME: home, ...envOf(runtime), ...containerEnv(d, c) };
  // Each pod has its own 9080; here only the first process can have it, so the others move.
  const containerPort = c.ports![0]!.containerPort;
  let port = containerPort;
  const tryDefault = !defaultPortClaimed;
  defaultPortClaimed = true;
  if (!(tryDefault && (await isFree(port)))) {
    port = await freePort();
    env.PORT = String(port);
    t.diagnostic(`${d.metadata.name}: port ${containerPort} is ${tryDefault ? 'taken on this machine' : 'another pod\'s here'}; PORT=${port}`);
  }
  // Cluster DNS: the OTLP endpoint's host and each upstream Service, where the pod would find them.
  const otlp = new URL(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT!);
  const collector = cluster.get(otlp.host);
  assert.ok(collector, `${d.metadata.name}: OTLP endpoint ${otlp.host} is no Service here`);
  env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = `${otlp.protocol}//${collector}${otlp.pathname}`;
  for (const service of UPSTREAMS) {
    const { host, port: servicePort } = serviceAddress(service, env);
    const here = cluster.get(`${host}:${servicePort}`);
    if (!here) continue; // started before its upstreams: it must not call them (checked by the requests below)
    const [h, p] = here.split(':');
    env[`${service.toUpperCase()}_HOSTNAME`] = h!;
    env[`${service.toUpperCase()}_SERVICE_PORT`] = p!;
  }
  const [program, args] = command();
  const proc = spawnSupervised(program, [...args, ...(c.args ?? [])], { env });
  const { child } = proc;
  const pod: Pod = {
    deployment: d,
    container: c,
    port,
    child,
    output: proc.output,
    stop: () => proc.stop(),
  };
  t.after(() => pod.stop());
  return pod;
}

/** Polls the readiness probe as the kubelet would, failing fast if the process exits. */
async function waitReady(pod: Pod): Promise<void> {
  const probe = pod.container.readinessProbe?.httpGet;
  assert.ok(probe, `${pod.deployment.metadata.name}: no readiness probe`);
  const deadline = Date.now() + 20_000;
  const url = `http://127.0.0.1:${pod.port}${probe.path}`;
  while (Date.now() < deadline) {
    if (pod.child.exitCode !== null) throw new Error(`${pod.deployment.metadata.name} exited with ${pod.child.exitCode}:\n${pod.output()}`);
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${pod.deployment.metadata.name}: ${url} not ready within 20 s:\n${pod.output()}`);
}

/** The reviews Service: spreads requests over its endpoints in turn (kube-proxy, per request so each version gets one). */
async function roundRobin(t: TestContext, ports: number[]): Promise<number> {
  let next = 0;
  const server = http.createServer((req, res) => {
    const port = ports[next++ % ports.length]!;
    const up = http.request({ host: '127.0.0.1', port, path: req.url, method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode!, r.headers);
      r.pipe(res);
    });
    up.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  }));
  return (server.address() as AddressInfo).port;
}

/** Polls Waymark until the trace has `services` and its span count has stopped growing. */
async function settledTrace(w: RunningWaymark, traceId: string, services: string[]): Promise<TSpan[]> {
  const deadline = Date.now() + 10_000;
  let last: TSpan[] = [];
  for (;;) {
    const spans = (await getTrace(w.queryUrl, traceId)) ?? [];
    const have = new Set(spans.map((s) => s.service));
    if (services.every((s) => have.has(s)) && spans.length === last.length) return spans;
    last = spans;
    if (Date.now() > deadline) throw new Error(`trace ${traceId}: ${spans.length} spans from ${[...have].join(', ')}; wanted ${services.join(', ')}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

const randomHex = (bytes: number) => [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');

test('the Bookinfo Deployments run as the manifests say and trace one request across all services into Waymark', async (t) => {
  const deployments = workloads(bookinfo);
  const byApp = (app: string) => deployments.filter((d) => d.metadata.labels!.app === app);

  // Waymark for the jaeger-collector Service the apps export to: it must be the add-on's OTLP/HTTP port.
  const w = await startWaymark();
  t.after(() => w.stop());
  const endpoints = new Set(deployments.flatMap((d) => containers(d).map((c) => containerEnv(d, c).OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)));
  assert.equal(endpoints.size, 1, 'every Bookinfo container exports to the same endpoint');
  const otlp = new URL([...endpoints][0]!);
  assert.equal(otlp.pathname, '/v1/traces');
  const [svcName, svcNs] = otlp.hostname.split('.');
  const collector = find(addon, 'Service', svcName!, svcNs);
  assert.ok(collector, `${otlp.hostname} is no Service of deploy/kubernetes/waymark/waymark.yaml`);
  const port = (collector.spec.ports as { name: string; port: number }[]).find((p) => p.port === Number(otlp.port));
  assert.equal(port?.name, 'http-otel', `${otlp.host} is the collector's OTLP/HTTP port`);
  const cluster = new Map<string, string>([[otlp.host, `127.0.0.1:${w.ports.otlpHttp}`]]);

  // In dependency order, so each pod's upstream Services exist when it starts (as the env says: by name).
  const pods: Pod[] = [];
  const startAll = async (app: string) => {
    const started = await Promise.all(byApp(app).map((d) => startPod(t, d, cluster)));
    await Promise.all(started.map(waitReady));
    pods.push(...started);
    const servicePort = (find(bookinfo, 'Service', app)!.spec.ports as { port: number }[])[0]!.port;
    cluster.set(`${app}:${servicePort}`, `127.0.0.1:${started.length === 1 ? started[0]!.port : await roundRobin(t, started.map((p) => p.port))}`);
    return started;
  };
  await Promise.all([startAll('details'), startAll('ratings')]);
  const reviews = await startAll('reviews');
  const [productpage] = await startAll('productpage');
  assert.equal(pods.length, deployments.length, 'every Deployment started');

  // As in a pod: listening on all interfaces, on the container port (or its stand-in), probes healthy.
  for (const pod of pods) {
    assert.ok(boundAddresses(pod.port).includes('any'), `${pod.deployment.metadata.name} listens on all interfaces (bound: ${boundAddresses(pod.port).join(', ') || 'nothing'})`);
    for (const kind of ['readinessProbe', 'livenessProbe'] as const) {
      const res = await fetch(`http://127.0.0.1:${pod.port}${pod.container[kind]!.httpGet!.path}`);
      assert.equal(res.status, 200, `${pod.deployment.metadata.name} ${kind}`);
    }
  }
  // The image's HEALTHCHECK passes against a running service.
  const [hcProgram, ...hcArgs] = HEALTHCHECK;
  assert.equal(hcProgram, 'node');
  await promisify(execFile)(NODE, hcArgs, { env: { ...process.env, PORT: String(productpage!.port) }, timeout: 5_000 });

  // /productpage once per reviews version (the Service spreads them), each request its own sampled trace.
  const base = `http://127.0.0.1:${productpage!.port}`;
  const seen = new Map<string, string>();
  for (let i = 0; i < reviews.length; i++) {
    const traceId = randomHex(16);
    const res = await fetch(`${base}/productpage`, { headers: { traceparent: `00-${traceId}-${randomHex(8)}-01` } });
    const html = await res.text();
    assert.equal(res.status, 200, html);
    assert.match(html, /<h1>The Comedy of Errors<\/h1>/);
    assert.match(html, /<dt>publisher<\/dt><dd>PublisherA<\/dd>/, 'details answered');
    assert.match(html, /An extremely entertaining play by Shakespeare/, 'reviews answered');
    assert.doesNotMatch(html, /currently unavailable/, 'no upstream failed');
    const pod = /Reviews served by: <u>(reviews-v\d)-[^<]+<\/u>/.exec(html)?.[1];
    assert.ok(pod, 'the reviews pod name comes from the downward API');
    seen.set(pod, traceId);
    const version = pod.slice('reviews-'.length);
    if (version === 'v1') assert.doesNotMatch(html, /class="stars"/);
    else assert.match(html, new RegExp(`class="stars" style="color:${version === 'v2' ? 'black' : 'red'}">★★★★★</p>`), `${pod} shows ratings`);
  }
  assert.deepEqual([...seen.keys()].sort(), reviews.map((p) => p.deployment.metadata.name).sort(), 'every reviews version served a page');

  const api = await fetch(`${base}/api/v1/products/0/reviews`);
  assert.equal(api.status, 200);
  const body = (await api.json()) as { id: string; podname: string; reviews: { reviewer: string }[] };
  assert.equal(body.id, '0');
  assert.match(body.podname, /^reviews-v[123]-/);
  assert.deepEqual(body.reviews.map((r) => r.reviewer), ['Reviewer1', 'Reviewer2']);

  // The v3 page's trace: every app's spans under the one trace ID, each callee's SERVER span the child of its caller's CLIENT span.
  const spans = await settledTrace(w, seen.get('reviews-v3')!, ['productpage', 'details', 'reviews', 'ratings']);
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const roots = spans.filter((s) => !byId.has(s.parentId));
  assert.equal(roots.length, 1, `one entry span: ${roots.map((s) => `${s.service}/${s.name}`).join(', ')}`);
  assert.deepEqual([roots[0]!.service, roots[0]!.kind], ['productpage', 'server']);
  for (const [caller, callee] of [['productpage', 'details'], ['productpage', 'reviews'], ['reviews', 'ratings']]) {
    const server = spans.find((s) => s.service === callee && s.kind === 'server');
    assert.ok(server, `a ${callee} SERVER span`);
    const parent = byId.get(server.parentId);
    assert.deepEqual([parent?.service, parent?.kind], [caller, 'client'], `${callee}'s SERVER span is the child of a ${caller} CLIENT span`);
  }
  assert.equal(spans.find((s) => s.service === 'reviews')!.processTags['service.version'], 'v3');

  // The HEALTHCHECK fails once the service is gone; every service exits cleanly on SIGTERM (spans flushed).
  for (const pod of pods) assert.equal(await pod.stop(), 0, `${pod.deployment.metadata.name}:\n${pod.output()}`);
  await assert.rejects(promisify(execFile)(NODE, hcArgs, { env: { ...process.env, PORT: String(productpage!.port) }, timeout: 5_000 }), (err: { code: number }) => err.code === 1);
});
