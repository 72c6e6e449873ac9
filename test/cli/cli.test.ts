import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { OPTIONS } from '../../src/config/options.ts';
import { ROOT, startWaymark } from '../support/waymark.ts';

const run = promisify(execFile);
const BIN = path.join(ROOT, 'bin/waymark');

test('--help lists every subcommand', async () => {
  const { stdout } = await run(BIN, ['--help']);
  for (const role of ['all-in-one', 'collector', 'query', 'agent']) assert.match(stdout, new RegExp(`\\b${role}\\b`));
});

for (const role of ['all-in-one', 'collector', 'query', 'agent'] as const) {
  test(`${role} --help lists each of its flags with its default`, async () => {
    const { stdout } = await run(BIN, [role, '--help'], { env: { ...process.env, COLUMNS: '400' } });
    // One chunk per option: from its flag to the next line that starts another option (indented by two spaces;
    // a wrapped description line may start with a flag it mentions, indented further).
    const chunks = stdout.split(/\n(?= {2}-)/).map((c) => c.replace(/\s+/g, ' ').trim());
    for (const opt of OPTIONS.filter((o) => o.roles.includes(role))) {
      const def = typeof opt.default === 'string' ? `"${opt.default}"` : String(opt.default);
      const chunk = chunks.find((c) => c.startsWith(`--${opt.flag} `));
      assert.ok(chunk, `${role} help lacks --${opt.flag}`);
      assert.ok(chunk.endsWith(`(default: ${def})`), `${role} help lacks the default of --${opt.flag}: ${chunk}`);
    }
  });
}

test('a bad flag value is a clear error, exit code 2', async () => {
  await assert.rejects(run(BIN, ['all-in-one', '--query-port', 'eighty']), (err: { code: number; stderr: string }) => {
    assert.equal(err.code, 2);
    assert.match(err.stderr, /--query-port: "eighty" is not a non-negative integer/);
    return true;
  });
});

test('all-in-one starts on the contract ports, /health is 200 and SIGTERM exits 0', async () => {
  const w = await startWaymark();
  const health = await fetch(`${w.adminUrl}/health`);
  assert.equal(health.status, 200);
  const metrics = await (await fetch(`${w.adminUrl}/metrics`)).text();
  assert.match(metrics, /waymark_queue_capacity_spans 200000/);
  assert.equal(await w.stop(), 0);
});

/** Posts one Zipkin span for `service` and waits until the query API lists the service. */
async function storeOneSpan(w: { ports: { zipkin: number }; queryUrl: string }, service: string): Promise<void> {
  const span = { traceId: '5af7183fb1d4cf5f', id: '6b221d5bc9e6496c', name: 'get', timestamp: Date.now() * 1000, duration: 1000, localEndpoint: { serviceName: service } };
  const post = await fetch(`http://127.0.0.1:${w.ports.zipkin}/api/v2/spans`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([span]) });
  assert.equal(post.status, 202);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { data } = (await (await fetch(`${w.queryUrl}/api/services`)).json()) as { data: string[] };
    if (data.includes(service)) return;
    assert.ok(Date.now() < deadline, `${service} not listed within 10 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// The process runs in a temporary directory, so the default ./data lands there, never in the checkout.
const NO_STORAGE_ENV = { WAYMARK_STORAGE: undefined, SPAN_STORAGE_TYPE: undefined, WAYMARK_DATA_DIR: undefined, BADGER_DIRECTORY_VALUE: undefined, WAYMARK_CONFIG: undefined };

test('with no storage setting all-in-one keeps spans in the embedded store in ./data', async (t) => {
  const cwd = mkdtempSync(path.join(tmpdir(), 'waymark-default-store-'));
  t.after(() => rmSync(cwd, { recursive: true, force: true }));
  const w = await startWaymark({ cwd, defaultStorage: true, env: NO_STORAGE_ENV });
  try {
    await storeOneSpan(w, 'default-store');
    assert.match(await (await fetch(`${w.adminUrl}/metrics`)).text(), /waymark_storage_written_spans_total\{backend="embedded"\} 1/);
  } finally {
    assert.equal(await w.stop(), 0, w.output());
  }
  assert.ok(readdirSync(path.join(cwd, 'data')).some((f) => f.endsWith('.duckdb')), 'a partition file in ./data');
});

test('SPAN_STORAGE_TYPE=memory still selects the memory store: nothing is written to ./data', async (t) => {
  const cwd = mkdtempSync(path.join(tmpdir(), 'waymark-default-store-'));
  t.after(() => rmSync(cwd, { recursive: true, force: true }));
  const w = await startWaymark({ cwd, defaultStorage: true, env: { ...NO_STORAGE_ENV, SPAN_STORAGE_TYPE: 'memory' } });
  try {
    await storeOneSpan(w, 'memory-store');
    assert.match(await (await fetch(`${w.adminUrl}/metrics`)).text(), /waymark_storage_written_spans_total\{backend="memory"\} 1/);
  } finally {
    assert.equal(await w.stop(), 0, w.output());
  }
  assert.ok(!existsSync(path.join(cwd, 'data')));
});

test('docs/configuration.md lists every flag and environment variable, as scripts/config-table.ts prints them', async () => {
  const { readFile } = await import('node:fs/promises');
  const doc = await readFile(path.join(ROOT, 'docs/configuration.md'), 'utf8');
  for (const opt of OPTIONS) {
    assert.ok(doc.includes(`\`--${opt.flag}\``), `docs/configuration.md lacks --${opt.flag}: run node scripts/config-table.ts`);
    assert.ok(doc.includes(`\`${opt.env}\``), `docs/configuration.md lacks ${opt.env}`);
  }
  // Defaults and descriptions too: the doc holds exactly what the script prints.
  const { stdout } = await run(path.join(ROOT, 'node_modules/.bin/node'), [path.join(ROOT, 'scripts/config-table.ts')]);
  assert.ok(doc.includes(stdout.trim()), 'docs/configuration.md differs from the generated tables: run node scripts/config-table.ts and paste its output');
});
