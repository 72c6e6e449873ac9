import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { startLoad } from './load-generator.ts';

test('the load generator sends a steady mix: anonymous pages, jason, the fault users, the reviews API', async () => {
  const seen: { path: string; cookie: string; agent: string }[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ path: req.url ?? '', cookie: req.headers.cookie ?? '', agent: req.headers['user-agent'] ?? '' });
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  let i = 0;
  // A fixed sequence instead of chance: walk through every part of the mix.
  const steps = [0.1, 0.6, 0.75, 0.85, 0.95];
  const load = startLoad(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, 100, () => steps[i++ % steps.length]!);
  await new Promise((r) => setTimeout(r, 300));
  await load.stop();
  await new Promise<void>((r) => server.close(() => r()));
  assert.ok(seen.length >= 10 && seen.length <= 40, `${seen.length} requests in 300 ms at 100/s`);
  assert.equal(load.sent, seen.length);
  assert.equal(load.failed, 0);
  assert.ok(seen.every((s) => s.agent === 'waymark-demo-load'));
  assert.deepEqual(
    seen.slice(0, 5).map((s) => `${s.path} ${s.cookie}`),
    ['/productpage ', '/productpage session=jason', '/productpage session=delayed', '/productpage session=faulty', '/api/v1/products/0/reviews '],
  );
});

test('--load-rps 0 sends nothing', async () => {
  const load = startLoad('http://127.0.0.1:9', 0);
  await new Promise((r) => setTimeout(r, 50));
  await load.stop();
  assert.equal(load.sent, 0);
});
