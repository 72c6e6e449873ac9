import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../support/waymark.ts';
import { manifestFiles } from './manifests.ts';

const guide = readFileSync(path.join(ROOT, 'docs/kubernetes.md'), 'utf8');

test('docs/kubernetes.md names only paths that exist, and every manifest file', () => {
  const named = new Set([...guide.matchAll(/\b(deploy\/kubernetes\/[\w./-]*[\w/])/g)].map((m) => m[1]!));
  assert.ok(named.size > 10);
  for (const p of named) assert.ok(existsSync(path.join(ROOT, p)), `the guide names ${p}, which does not exist`);
  for (const f of manifestFiles()) assert.ok(named.has(path.relative(ROOT, f)), `the guide does not mention ${path.relative(ROOT, f)}`);
});

test('docs/kubernetes.md says what the tests verify and what they cannot', () => {
  assert.match(guide, /## What the test suite verifies, and what it cannot/);
  assert.match(guide, /Not verified, because CI has no container engine/);
});
