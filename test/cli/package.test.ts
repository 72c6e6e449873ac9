import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { ROOT, startWaymark } from '../support/waymark.ts';

const run = promisify(execFile);
const NODE = path.join(ROOT, 'node_modules/.bin/node');
// Inside the checkout, so the compiled code resolves packages from node_modules as an install would.
const outDir = mkdtempSync(path.join(ROOT, '.build-test-'));
after(() => rmSync(outDir, { recursive: true, force: true }));

test('the npm package runs from compiled JavaScript: files list, build and a served query', async () => {
  const pack = JSON.parse((await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT })).stdout) as { files: { path: string }[] }[];
  const files = pack[0]!.files.map((f) => f.path);
  assert.ok(files.includes('bin/waymark'));
  // The built web app is the one thing under src/ that ships (src/ui/dist, made by the install step).
  const sources = files.filter((f) => (f.startsWith('src/') && !f.startsWith('src/ui/dist/')) || f.startsWith('test/'));
  assert.deepEqual(sources, [], 'sources and tests stay out of the package');

  await run(path.join(ROOT, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json', '--outDir', outDir], { cwd: ROOT });
  await run(NODE, ['scripts/copy-assets.ts', outDir], { cwd: ROOT });
  const w = await startWaymark({ command: [NODE, path.join(outDir, 'cli/main.js')] });
  try {
    const res = await fetch(`${w.queryUrl}/api/services`);
    assert.equal(res.status, 200);
    assert.deepEqual(((await res.json()) as { data: unknown }).data, []);
  } finally {
    assert.equal(await w.stop(), 0);
  }
});
