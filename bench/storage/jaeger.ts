/**
 * Jaeger v2 as a benchmark peer: builds the binary from the scratch Go module
 * in bench/jaeger when it is missing, writes a config for the Badger or the
 * memory store on free ports, and runs it.
 *
 * The config follows cmd/jaeger/config-badger.yaml of Jaeger v1.76.0 (Jaeger
 * 2.13): OTLP receiver -> batch processor -> jaeger_storage_exporter, with the
 * jaeger_storage and jaeger_query extensions. Only the OTLP/HTTP receiver is
 * on, every listener is on 127.0.0.1 and a free port, and the collector's own
 * metrics (Prometheus) are read to know when every span reached the store:
 * Jaeger answers the OTLP request once the batch processor took the spans,
 * before they are written.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../test/support/ports.ts';
import { exitOf, stopChild, sumMetric, waitHealthy, type Peer } from './peer.ts';

const JAEGER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../jaeger');
export const JAEGER_BIN = path.join(JAEGER_DIR, 'bin/jaeger');

/** `go build` of the tool pinned in bench/jaeger/go.mod, unless the binary is there. */
export function ensureJaegerBinary(log: (s: string) => void): string {
  if (existsSync(JAEGER_BIN)) return JAEGER_BIN;
  log(`building Jaeger into ${JAEGER_BIN} (first run only; takes a few minutes) ...`);
  const r = spawnSync('go', ['build', '-o', JAEGER_BIN, 'github.com/jaegertracing/jaeger/cmd/jaeger'], { cwd: JAEGER_DIR, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`go build of Jaeger failed (exit ${r.status}); is Go installed?`);
  return JAEGER_BIN;
}

/** The module version pinned in bench/jaeger/go.mod (v1.76.0 is Jaeger 2.13: the v1 tags carry the v2 binary). */
export function jaegerVersion(): string {
  const m = /github\.com\/jaegertracing\/jaeger v(\S+)/.exec(readFileSync(path.join(JAEGER_DIR, 'go.mod'), 'utf8'));
  return m === null ? 'unknown' : `v${m[1]}`;
}

export type JaegerStore = { kind: 'badger'; dir: string } | { kind: 'memory'; maxTraces: number };

export async function startJaeger(name: string, store: JaegerStore, workDir: string): Promise<Peer> {
  const ports = { otlpHttp: await freePort(), query: await freePort(), queryGrpc: await freePort(), health: await freePort(), metrics: await freePort() };
  const backend =
    store.kind === 'badger'
      ? `        badger:
          directories:
            keys: ${JSON.stringify(path.join(store.dir, 'keys'))}
            values: ${JSON.stringify(path.join(store.dir, 'values'))}
          ephemeral: false
          ttl:
            spans: 720h`
      : `        memory:
          max_traces: ${store.maxTraces}`;
  const config = `# Written by bench/storage/jaeger.ts
service:
  extensions: [jaeger_storage, jaeger_query, healthcheckv2]
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [jaeger_storage_exporter]
  telemetry:
    metrics:
      level: basic
      readers:
        - pull:
            exporter:
              prometheus:
                host: 127.0.0.1
                port: ${ports.metrics}
    logs:
      level: warn
extensions:
  healthcheckv2:
    use_v2: true
    http:
      endpoint: 127.0.0.1:${ports.health}
  jaeger_query:
    storage:
      traces: store
    max_clock_skew_adjust: 0s
    http:
      endpoint: 127.0.0.1:${ports.query}
    grpc:
      endpoint: 127.0.0.1:${ports.queryGrpc}
  jaeger_storage:
    backends:
      store:
${backend}
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:${ports.otlpHttp}
processors:
  batch:
exporters:
  jaeger_storage_exporter:
    trace_storage: store
`;
  const configFile = path.join(workDir, `${name}.yaml`);
  writeFileSync(configFile, config);
  const child = spawn(JAEGER_BIN, ['--config', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (d: Buffer): void => {
    out = (out + d.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = exitOf(child);
  const queryUrl = `http://127.0.0.1:${ports.query}`;
  const metricsUrl = `http://127.0.0.1:${ports.metrics}/metrics`;
  await waitHealthy(child, `${queryUrl}/api/services`, () => out, 60_000);
  return {
    name,
    pid: child.pid!,
    otlpHost: '127.0.0.1',
    otlpPort: ports.otlpHttp,
    queryUrl,
    dataDir: store.kind === 'badger' ? store.dir : undefined,
    configFile,
    output: () => out,
    storedSpans: () => sumMetric(metricsUrl, /^otelcol_exporter_sent_spans(_total)?\{.*exporter="jaeger_storage_exporter"/),
    stop: () => stopChild(child, exited),
  };
}
