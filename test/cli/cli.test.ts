import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
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
    // One chunk per option: from its flag to the next line that starts another option.
    const chunks = stdout.split(/\n(?=\s+-)/).map((c) => c.replace(/\s+/g, ' ').trim());
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


test('docs/configuration.md lists every flag and environment variable', async () => {
  const { readFile } = await import('node:fs/promises');
  const doc = await readFile(path.join(ROOT, 'docs/configuration.md'), 'utf8');
  for (const opt of OPTIONS) {
    assert.ok(doc.includes(`\`--${opt.flag}\``), `docs/configuration.md lacks --${opt.flag}: run node scripts/config-table.ts`);
    assert.ok(doc.includes(`\`${opt.env}\``), `docs/configuration.md lacks ${opt.env}`);
  }
});
