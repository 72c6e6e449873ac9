import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { loadMeshConfig, normalizeMeshConfig } from './config.ts';

const BOOKINFO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../examples/bookinfo/mesh.yaml');

test("Bookinfo's mesh.yaml loads: four services, three reviews versions, jason's rule first", () => {
  const c = loadMeshConfig(BOOKINFO);
  assert.deepEqual(c.services.map((s) => `${s.name}:${s.instances.map((i) => i.version).join('/')}`), ['productpage:v1', 'details:v1', 'reviews:v1/v2/v3', 'ratings:v1']);
  assert.deepEqual(c.virtualServices[0]!.http[0]!.match, [{ headers: { 'end-user': { exact: 'jason' } } }]);
  assert.equal(c.tracing.provider, 'zipkin');
});

test('Envoy defaults when the file says nothing: flush every 5 s or 5 spans, 1% sampling', () => {
  const c = normalizeMeshConfig({ services: [{ name: 'a', instances: [{}] }] });
  assert.equal(c.tracing.flushIntervalMs, 5000);
  assert.equal(c.tracing.maxBatchSpans, 5);
  assert.equal(c.tracing.randomSamplingPercentage, 1);
  assert.equal(c.services[0]!.port, 9080);
});

test('mistakes are named: unknown destination, missing subset, bad duration, bad regex, bad sampling', () => {
  const svc = [{ name: 'a', instances: [{ version: 'v1' }] }];
  const cases: [unknown, RegExp][] = [
    [{ services: svc, virtualServices: [{ host: 'a', http: [{ route: [{ destination: { host: 'b' } }] }] }] }, /destination host "b" is not a service/],
    [{ services: svc, virtualServices: [{ host: 'a', http: [{ route: [{ destination: { host: 'a', subset: 'v9' } }] }] }] }, /no subset "v9"/],
    [{ services: svc, virtualServices: [{ host: 'a', http: [{ timeout: 'soon', route: [{ destination: { host: 'a' } }] }] }] }, /timeout: "soon" is not a duration/],
    [{ services: svc, virtualServices: [{ host: 'a', http: [{ match: [{ uri: { regex: '(' } }], route: [{ destination: { host: 'a' } }] }] }] }, /bad regex/],
    [{ services: svc, tracing: { randomSamplingPercentage: 101 } }, /randomSamplingPercentage/],
    [{ services: [{ name: 'a', instances: [] }] }, /at least one instance/],
  ];
  for (const [raw, msg] of cases) assert.throws(() => normalizeMeshConfig(raw), msg);
});
