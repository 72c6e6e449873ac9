// Runs the containers' commands exactly as the manifests give them (command,
// args, env, plus the image's ENV), outside a container: ./bin/waymark stands
// in for the image's /app/bin/waymark and a temporary directory for the data
// volume. They listen on all interfaces as in a pod, on the ports the manifests
// name; only a port another process already holds is moved (said in the output).
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, test, type TestContext } from 'node:test';
import { spawnSupervised } from '../support/child.ts';
import { freePort } from '../support/ports.ts';
import { ROOT } from '../support/waymark.ts';
import { PORT_FLAGS } from './container.ts';
import { all, envOf, readDockerfile } from './dockerfile.ts';
import { DEPLOY, loadFile, type K8sObject } from './manifests.ts';
import { containers, find, resolvePort, type Container } from './references.ts';

const objects = [...loadFile(path.join(DEPLOY, 'waymark/waymark.yaml')).objects, ...loadFile(path.join(DEPLOY, 'waymark/agent.yaml')).objects];
const runtime = readDockerfile().at(-1)!;
const ENTRYPOINT = all(runtime, 'ENTRYPOINT')[0]!.exec!;
const dataDirs: string[] = [];
after(() => {
  for (const d of dataDirs) rmSync(d, { recursive: true, force: true });
});

interface Started {
  child: ChildProcess;
  /** Container port name -> the port it listens on here (the manifest's, unless that one was taken). */
  ports: Map<string, number>;
  output(): string;
  stop(): Promise<number | null>;
}

async function isFree(port: number, protocol: string): Promise<boolean> {
  return new Promise((resolve) => {
    if (protocol === 'UDP') {
      const sock = dgram.createSocket('udp4');
      sock.once('error', () => resolve(false));
      sock.bind(port, '0.0.0.0', () => sock.close(() => resolve(true)));
    } else {
      const srv = net.createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, '0.0.0.0', () => srv.close(() => resolve(true)));
    }
  });
}

/** Starts a workload's container command as the manifest gives it, with `dataDir` for its volumes. */
async function startContainer(t: TestContext, workload: K8sObject, dataDir: string): Promise<Started> {
  const c = containers(workload)[0]!;
  assert.deepEqual(c.command, ENTRYPOINT, 'the container runs the image entrypoint');
  const mounts = (c.volumeMounts ?? []).map((m) => m.mountPath);
  const onVolume = (arg: string) => {
    const mount = mounts.find((m) => arg === m || arg.startsWith(m + '/'));
    return mount ? dataDir + arg.slice(mount.length) : arg;
  };
  const args = [...c.command!.slice(1), ...(c.args ?? [])].map(onVolume);
  const ports = new Map<string, number>();
  for (const p of c.ports ?? []) {
    let port = p.containerPort;
    if (!(await isFree(port, p.protocol ?? 'TCP'))) {
      port = await freePort();
      args.push(`--${PORT_FLAGS[p.name!]}`, String(port));
      t.diagnostic(`${workload.metadata.name}: port ${p.containerPort} (${p.name}) is taken on this machine; using ${port}`);
    }
    ports.set(p.name!, port);
  }
  // What a container runtime sets (PATH, HOME), the image's ENV, then the container's env (paths on the volume moved to `dataDir`).
  const env: Record<string, string> = { PATH: process.env.PATH!, HOME: dataDir };
  for (const [name, value] of Object.entries(envOf(runtime))) env[name] = onVolume(value);
  for (const e of c.env ?? []) env[e.name] = onVolume(e.value!);
  const proc = spawnSupervised(path.join(ROOT, 'bin/waymark'), args, { env });
  const { child } = proc;
  const started: Started = {
    child,
    ports,
    output: proc.output,
    stop: () => proc.stop(),
  };
  t.after(() => started.stop());
  return started;
}

/** The URL a probe of the container hits, on the port the manifest names. */
function probeUrl(w: K8sObject, c: Container, kind: 'startupProbe' | 'readinessProbe' | 'livenessProbe', s: Started): string {
  const get = c[kind]!.httpGet!;
  const name = resolvePort(w, get.port)!.name!;
  return `http://127.0.0.1:${s.ports.get(name)}${get.path ?? '/'}`;
}

/** Polls the startup probe the way the kubelet would, failing fast if the process exits. */
async function waitStarted(w: K8sObject, s: Started): Promise<void> {
  const url = probeUrl(w, containers(w)[0]!, 'startupProbe', s);
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (s.child.exitCode !== null) throw new Error(`${w.metadata.name} exited with ${s.child.exitCode}:\n${s.output()}`);
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${w.metadata.name}: startup probe ${url} not 200 within 20 s:\n${s.output()}`);
}

/** Local addresses the sockets listening on `port` are bound to, from /proc/net (Linux). */
function boundAddresses(port: number, protocol: string): string[] {
  const files = protocol === 'UDP' ? ['udp', 'udp6'] : ['tcp', 'tcp6'];
  const out: string[] = [];
  for (const f of files) {
    for (const line of readFileSync(`/proc/net/${f}`, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 4) continue;
      const [addr, hexPort] = cols[1]!.split(':');
      if (parseInt(hexPort!, 16) !== port) continue;
      if (protocol !== 'UDP' && cols[3] !== '0A') continue; // LISTEN
      out.push(/^0+$/.test(addr!) ? 'any' : addr!);
    }
  }
  return out;
}

async function checkProbesAndInterfaces(w: K8sObject, s: Started): Promise<void> {
  const c = containers(w)[0]!;
  for (const kind of ['startupProbe', 'readinessProbe', 'livenessProbe'] as const) {
    const res = await fetch(probeUrl(w, c, kind, s));
    assert.equal(res.status, 200, `${w.metadata.name} ${kind}`);
  }
  for (const p of c.ports ?? []) {
    const bound = boundAddresses(s.ports.get(p.name!)!, p.protocol ?? 'TCP');
    assert.ok(bound.includes('any'), `${w.metadata.name}: ${p.name} listens on all interfaces (bound: ${bound.join(', ') || 'nothing'})`);
  }
}

function zipkinSpan(traceId: string): unknown[] {
  const now = Date.now() * 1000;
  return [
    {
      traceId,
      id: traceId.slice(16),
      name: 'details.default.svc.cluster.local:9080/*',
      kind: 'SERVER',
      timestamp: now,
      duration: 1500,
      localEndpoint: { serviceName: 'details.default' },
      tags: { 'http.status_code': '200', component: 'proxy' },
    },
  ];
}

test('the add-on Deployment runs as specified: probes healthy, API under its base path, traces kept across a restart', async (t) => {
  const d = find(objects, 'Deployment', 'waymark')!;
  const c = containers(d)[0]!;
  const basePath = c.args![c.args!.indexOf('--base-path') + 1]!;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'waymark-volume-'));
  dataDirs.push(dataDir);

  let s = await startContainer(t, d, dataDir);
  await waitStarted(d, s);
  await checkProbesAndInterfaces(d, s);

  // Through the Services' target ports: Envoy's Zipkin report in, the Jaeger API (Service tracing) out.
  const servicePort = (service: string, port: number) => {
    const p = (find(objects, 'Service', service)!.spec.ports as { port: number; targetPort: string }[]).find((sp) => sp.port === port)!;
    return s.ports.get(resolvePort(d, p.targetPort)!.name!)!;
  };
  const traceId = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
  const post = await fetch(`http://127.0.0.1:${servicePort('zipkin', 9411)}/api/v2/spans`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(zipkinSpan(traceId)),
  });
  assert.equal(post.status, 202);
  const query = () => `http://127.0.0.1:${servicePort('tracing', 80)}`;
  const services = async () => ((await (await fetch(`${query()}${basePath}/api/services`)).json()) as { data: string[] }).data;
  const deadline = Date.now() + 10_000;
  while (!(await services()).includes('details.default') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(await services(), ['details.default']);
  assert.equal((await fetch(`${query()}/api/services`)).status, 404, `the API lives under ${basePath} only`);

  // SIGTERM drains and exits 0; the same command on the same volume serves the trace again.
  assert.equal(await s.stop(), 0, s.output());
  assert.ok(readdirSync(dataDir).length > 0, 'the store wrote to the volume');
  s = await startContainer(t, d, dataDir);
  await waitStarted(d, s);
  const res = await fetch(`${query()}${basePath}/api/traces/${traceId}`);
  assert.equal(res.status, 200, 'the trace survived the restart');
  const trace = ((await res.json()) as { data: { spans: { operationName: string }[] }[] }).data[0]!;
  assert.equal(trace.spans[0]!.operationName, 'details.default.svc.cluster.local:9080/*');
  assert.equal(await s.stop(), 0, s.output());
});

test('the agent DaemonSet runs as specified: probes healthy on its admin port, listening on all interfaces', async (t) => {
  const agent = find(objects, 'DaemonSet', 'waymark-agent')!;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'waymark-agent-'));
  dataDirs.push(dataDir);
  const s = await startContainer(t, agent, dataDir);
  await waitStarted(agent, s);
  await checkProbesAndInterfaces(agent, s);
  assert.equal(await s.stop(), 0, s.output());
});
