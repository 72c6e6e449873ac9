import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { allocatePorts, ROOT, type RunningWaymark } from '../support/waymark.ts';
import { nowNs, postOtlp, startEmbedded, tempDir, tracesOf, traceBatch } from './support.ts';

/**
 * Two processes on one data directory: the second must refuse to start and
 * say why, and must not move the first one's live files aside as damaged.
 */
const tmp = tempDir();
let first: RunningWaymark | undefined;
after(async () => {
  await first?.stop();
  tmp.remove();
});

test('a second process on a data directory in use fails to start, naming the owner, and leaves the files alone', { timeout: 60_000 }, async () => {
  first = await startEmbedded(tmp.dir);
  assert.equal(await postOtlp(first.ports.otlpHttp, traceBatch('lock-test', 'a1', 3, 2, nowNs())), 200);
  const files = readdirSync(tmp.dir).sort();
  assert.ok(files.some((f) => f.endsWith('.duckdb')), files.join(', '));

  const p = await allocatePorts();
  const flags = Object.entries({
    host: '127.0.0.1', 'query-port': p.query, 'query-grpc-port': p.queryGrpc, 'otlp-grpc-port': p.otlpGrpc, 'otlp-http-port': p.otlpHttp, 'zipkin-port': p.zipkin,
    'jaeger-http-port': p.jaegerHttp, 'jaeger-grpc-port': p.jaegerGrpc, 'jaeger-compact-port': p.jaegerCompact, 'jaeger-binary-port': p.jaegerBinary, 'admin-port': p.admin,
  }).flatMap(([k, v]) => [`--${k}`, String(v)]);
  const second = spawnSync(path.join(ROOT, 'bin/waymark'), ['all-in-one', '--storage', 'embedded', '--data-dir', tmp.dir, ...flags], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(second.status, 1, second.stderr + second.stdout);
  const owner = readFileSync(path.join(tmp.dir, 'LOCK'), 'utf8').trim();
  assert.match(second.stderr + second.stdout, new RegExp(`in use by another process \\(PID ${owner}\\b`));

  assert.deepEqual(readdirSync(tmp.dir).filter((f) => f.includes('damaged')), []);
  const traces = await tracesOf(first.queryUrl, 'lock-test');
  assert.equal(traces.length, 3);
});
