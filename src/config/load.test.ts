import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ConfigError, resolveConfig } from './load.ts';

function yamlFile(text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'waymark-config-')), 'waymark.yaml');
  writeFileSync(file, text);
  return file;
}

test('defaults apply when nothing is given', () => {
  const c = resolveConfig({ flags: {}, env: {} });
  assert.equal(c.receivers.otlp.grpcPort, 4317);
  assert.equal(c.query.port, 16686);
  assert.equal(c.storage.memory.maxTraces, 100000);
  assert.equal(c.query.basePath, '/');
});

test('the default store is the embedded one in ./data; SPAN_STORAGE_TYPE, WAYMARK_STORAGE, --storage and the file select memory', () => {
  const c = resolveConfig({ flags: {}, env: {} });
  assert.equal(c.storage.type, 'embedded');
  assert.equal(c.storage.embedded.dataDir, './data');
  assert.equal(resolveConfig({ flags: {}, env: { SPAN_STORAGE_TYPE: 'memory' } }).storage.type, 'memory');
  assert.equal(resolveConfig({ flags: {}, env: { SPAN_STORAGE_TYPE: 'badger' } }).storage.type, 'embedded');
  assert.equal(resolveConfig({ flags: {}, env: { WAYMARK_STORAGE: 'memory' } }).storage.type, 'memory');
  assert.equal(resolveConfig({ flags: { 'storage.type': 'memory' }, env: {} }).storage.type, 'memory');
  assert.equal(resolveConfig({ flags: {}, env: {}, configFile: yamlFile('storage:\n  type: memory\n') }).storage.type, 'memory');
});

test('flags beat environment, environment beats the YAML file, the file beats defaults', () => {
  const file = yamlFile('query:\n  port: 1001\n  grpcPort: 1002\nadmin:\n  port: 1003\n');
  const c = resolveConfig({
    flags: { 'query.port': '3001' },
    env: { WAYMARK_QUERY_PORT: '2001', WAYMARK_QUERY_GRPC_PORT: '2002' },
    configFile: file,
  });
  assert.equal(c.query.port, 3001);
  assert.equal(c.query.grpcPort, 2002);
  assert.equal(c.admin.port, 1003);
  assert.equal(c.receivers.zipkin.port, 9411);
});

test('Jaeger all-in-one environment variables are accepted as aliases', () => {
  const c = resolveConfig({
    flags: {},
    env: { SPAN_STORAGE_TYPE: 'memory', MEMORY_MAX_TRACES: '5000', COLLECTOR_ZIPKIN_HOST_PORT: ':9412', QUERY_BASE_PATH: '/jaeger' },
  });
  assert.equal(c.storage.type, 'memory');
  assert.equal(c.storage.memory.maxTraces, 5000);
  assert.equal(c.receivers.zipkin.port, 9412);
  assert.equal(c.query.basePath, '/jaeger');
});

test('Waymark variables beat the Jaeger aliases for the same setting', () => {
  const c = resolveConfig({ flags: {}, env: { MEMORY_MAX_TRACES: '5000', WAYMARK_MEMORY_MAX_TRACES: '7000' } });
  assert.equal(c.storage.memory.maxTraces, 7000);
});

test('bad values name their source', () => {
  assert.throws(() => resolveConfig({ flags: {}, env: { WAYMARK_ADMIN_PORT: '70000' } }), /\$WAYMARK_ADMIN_PORT: port 70000 is out of range/);
  assert.throws(() => resolveConfig({ flags: { 'queue.capacitySpans': '-1' }, env: {} }), /--queue-size: "-1" is not a non-negative integer/);
  assert.throws(() => resolveConfig({ flags: { 'storage.embedded.memoryLimit': 'lots' }, env: {} }), /--store-memory: "lots" is not a size such as 256MB or 1GB/);
  assert.equal(resolveConfig({ flags: {}, env: { WAYMARK_STORE_MEMORY: '1GB' } }).storage.embedded.memoryLimit, '1GB');
  assert.equal(resolveConfig({ flags: {}, env: {} }).storage.embedded.memoryLimit, '512MB');
  const file = yamlFile('query:\n  prot: 1\n');
  assert.throws(() => resolveConfig({ flags: {}, env: {}, configFile: file }), (e: Error) => e instanceof ConfigError && /unknown setting "query.prot"/.test(e.message));
});

test('base paths are normalised', () => {
  assert.equal(resolveConfig({ flags: { 'query.basePath': 'jaeger/' }, env: {} }).query.basePath, '/jaeger');
});
