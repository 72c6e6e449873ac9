import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { ROOT } from '../support/waymark.ts';

const BIN = path.join(ROOT, 'bin/waymark');

test('waymark mesh: a bad config is a clear error with exit code 2', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mesh-cmd-'));
  try {
    const file = path.join(dir, 'mesh.yaml');
    writeFileSync(file, 'services:\n  - name: a\n    instances: [{version: v1}]\nvirtualServices:\n  - host: a\n    http: [{route: [{destination: {host: b}}]}]\n');
    await assert.rejects(promisify(execFile)(BIN, ['mesh', '--config', file]), (err: { code: number; stderr: string }) => {
      assert.equal(err.code, 2);
      assert.match(err.stderr, /virtualServices\[0\] \(a\)\.http\[0\]\.route: destination host "b" is not a service/);
      return true;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('waymark mesh: serves the Bookinfo mesh, prints where each app listens, stops on SIGTERM', async () => {
  const child = spawn(BIN, ['mesh', '--config', path.join(ROOT, 'examples/bookinfo/mesh.yaml'), '--gateway-port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const deadline = Date.now() + 15_000;
    while (!/ratings v1: /.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const gateway = /^gateway 127\.0\.0\.1:(\d+)$/m.exec(out);
    assert.ok(gateway, out);
    assert.equal(out.match(/^reviews v\d: app 127\.0\.0\.1:\d+ inbound :\d+ outbound \(OUTBOUND_PROXY\) 127\.0\.0\.1:\d+$/gm)?.length, 3, out);
    // No productpage is running: the gateway's call fails as Envoy's does, 503 after retries.
    const res = await fetch(`http://127.0.0.1:${gateway[1]}/productpage`);
    assert.equal(res.status, 503);
    assert.match(await res.text(), /upstream connect error/);
    const code = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    assert.equal(await code, 0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
