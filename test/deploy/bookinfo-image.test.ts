// No container engine runs here, so the Bookinfo image is checked by reading
// examples/bookinfo/Dockerfile against the repository and the manifests: what it
// copies exists and is in the build context, the dependency step really yields
// Bookinfo's imports, and the entrypoint, user and port are the ones the
// Deployments in deploy/kubernetes/bookinfo rely on.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, globSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { ROOT } from '../support/waymark.ts';
import { all, envOf, parseCopy, readDockerfile } from './dockerfile.ts';
import { DEPLOY, loadFile } from './manifests.ts';
import { containers, workloads } from './references.ts';

const run = promisify(execFile);
const DOCKERFILE = path.join(ROOT, 'examples/bookinfo/Dockerfile');
const stages = readDockerfile(DOCKERFILE);
const deps = stages[0]!;
const runtime = stages.at(-1)!;
const WORKDIR = all(runtime, 'WORKDIR').at(-1)!.args;
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const deployments = workloads(loadFile(path.join(DEPLOY, 'bookinfo/bookinfo.yaml')).objects);
const SERVICES = ['productpage', 'details', 'reviews', 'ratings'];

/** Packages the Bookinfo sources import (bare specifiers, not node: built-ins), type-only imports included. */
function bookinfoImports(): Set<string> {
  const names = new Set<string>();
  for (const file of globSync('examples/bookinfo/*.ts', { cwd: ROOT })) {
    for (const m of readFileSync(path.join(ROOT, file), 'utf8').matchAll(/\bfrom '([^'.][^']*)'/g)) {
      const spec = m[1]!;
      if (spec.startsWith('node:')) continue;
      names.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
    }
  }
  return names;
}

/** Docker's ignore-file rule: the last pattern matching the path or one of its parent folders decides. */
function ignored(patterns: string[], file: string): boolean {
  let out = false;
  for (const raw of patterns) {
    const negate = raw.startsWith('!');
    const pattern = negate ? raw.slice(1) : raw;
    const parts = file.split('/');
    const hit = parts.some((_, i) => path.posix.matchesGlob(parts.slice(0, i + 1).join('/'), pattern));
    if (hit) out = !negate;
  }
  return out;
}

test('the Bookinfo image is multi-stage on the Node major of Waymark\'s image', () => {
  assert.ok(stages.length >= 2, 'multi-stage');
  const major = (image: string) => /^node:(\d+)-/.exec(image)?.[1];
  const waymark = major(readDockerfile().at(-1)!.image);
  assert.ok(waymark, 'Waymark\'s Dockerfile runs on a node:<major>- image');
  for (const s of stages) assert.equal(major(s.image), waymark, `${s.image} is Node ${waymark}, as Waymark's image`);
  assert.equal(/(\d+)/.exec(pkg.devDependencies.node!)![1], waymark, 'the test suite runs the same Node major');
});

test('everything the Dockerfile copies from the context exists and is in the build context', () => {
  const ignoreFile = `${DOCKERFILE}.dockerignore`;
  assert.ok(existsSync(ignoreFile), 'a per-Dockerfile ignore file: the root .dockerignore leaves examples/ out');
  const patterns = readFileSync(ignoreFile, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const rootPatterns = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  assert.ok(ignored(rootPatterns, 'examples/bookinfo/main.ts'), 'the root .dockerignore does drop examples/ (so the ignore file above is needed)');
  assert.ok(ignored(patterns, 'node_modules/pino/package.json') && ignored(patterns, 'src/cli/main.ts'), 'the context leaves out what the image does not use');

  const sources = stages.flatMap((s) => all(s, 'COPY').map(parseCopy)).filter((c) => c.from === undefined).flatMap((c) => c.sources);
  assert.ok(sources.length > 0);
  const files = new Set<string>();
  for (const source of sources) {
    const matched = globSync(source, { cwd: ROOT });
    assert.ok(matched.length > 0, `COPY ${source}: nothing in the repository matches`);
    for (const f of matched) {
      assert.ok(!ignored(patterns, f), `COPY ${source}: ${f} is left out of the build context`);
      files.add(f);
    }
  }
  for (const f of ['package.json', 'package-lock.json', 'examples/bookinfo/main.ts', 'examples/bookinfo/telemetry.ts']) assert.ok(files.has(f), `the image gets ${f}`);
  assert.ok(![...files].some((f) => f.endsWith('.test.ts')), 'no tests in the image');
});

test('the dependency step keeps exactly the packages Bookinfo imports, at the ranges the test suite installs', async () => {
  const commands = all(deps, 'RUN').map((i) => i.args);
  const ci = commands.findIndex((c) => /^npm ci\b/.test(c));
  const select = commands.findIndex((c) => /^node -e /.test(c));
  assert.ok(ci >= 0 && select > ci, 'npm ci installs the lockfile before the selection');
  assert.match(commands[select]!, /&& npm prune --omit=dev\b/, 'then everything else is pruned');

  // Run the step's package.json rewrite for real, on a copy of package.json.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bookinfo-deps-'));
  try {
    copyFileSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
    const rewrite = commands[select]!.split(/\s+&&\s+npm prune/)[0]!;
    await run('sh', ['-c', rewrite], { cwd: dir, env: { ...process.env, PATH: `${path.join(ROOT, 'node_modules/.bin')}:${process.env.PATH}` } });
    const out = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { type: string; dependencies: Record<string, string>; devDependencies?: unknown };
    assert.deepEqual(new Set(Object.keys(out.dependencies)), bookinfoImports(), 'the image keeps what examples/bookinfo imports, and nothing else');
    for (const [name, range] of Object.entries(out.dependencies)) assert.equal(range, pkg.dependencies[name] ?? pkg.devDependencies[name], `${name}: the root package.json's range`);
    assert.equal(out.devDependencies, undefined);
    assert.equal(out.type, 'module', 'the .ts files run as ES modules');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, unknown> };
  for (const name of bookinfoImports()) assert.ok(lock.packages[`node_modules/${name}`], `${name} is in package-lock.json, so npm ci installs it`);
});

test('the runtime stage runs main.ts from the copied sources, as a numeric non-root user, on the port the Deployments use', () => {
  const copies = all(runtime, 'COPY').map(parseCopy);
  const depsDir = all(deps, 'WORKDIR').at(-1)!.args;
  const fromDeps = copies.filter((c) => c.from === deps.name).flatMap((c) => c.sources.map((s) => path.posix.relative(depsDir, s)));
  assert.deepEqual(new Set(fromDeps), new Set(['package.json', 'node_modules']));

  // The entrypoint's script, with the image's WORKDIR standing for the repository root, is a copied file.
  const entrypoint = all(runtime, 'ENTRYPOINT')[0]!.exec!;
  assert.equal(entrypoint[0], 'node');
  const script = entrypoint.at(-1)!;
  assert.ok(script.startsWith(`${WORKDIR}/`), `${script} is under ${WORKDIR}`);
  const rel = path.posix.relative(WORKDIR, script);
  assert.equal(rel, 'examples/bookinfo/main.ts');
  assert.ok(existsSync(path.join(ROOT, rel)), `${rel} exists`);
  const copiedTs = copies.filter((c) => c.from === undefined).find((c) => c.sources.some((s) => path.posix.matchesGlob(rel, s)));
  assert.ok(copiedTs, `${rel} is copied into the image`);
  assert.equal(path.posix.join(WORKDIR, copiedTs.dest), path.posix.join(WORKDIR, path.posix.dirname(rel)) + '/');
  assert.ok(SERVICES.includes(all(runtime, 'CMD')[0]!.exec![0]!), 'the default CMD is a service');

  const env = envOf(runtime);
  assert.equal(env.NODE_ENV, 'production');
  assert.equal(env.LISTEN_HOST, '0.0.0.0', 'a container listens on all interfaces');
  const user = all(runtime, 'USER').at(-1)!.args;
  assert.match(user, /^[1-9]\d*:\d+$/, 'a numeric non-root user, so runAsNonRoot can verify it');
  const exposed = all(runtime, 'EXPOSE').flatMap((i) => i.args.split(/\s+/));

  assert.deepEqual(deployments.map((d) => d.metadata.name).sort(), ['details-v1', 'productpage-v1', 'ratings-v1', 'reviews-v1', 'reviews-v2', 'reviews-v3']);
  for (const d of deployments) {
    for (const c of containers(d)) {
      const where = `${d.metadata.name}/${c.name}`;
      assert.equal((c as { image?: string }).image, `waymark-bookinfo:${pkg.version}`, `${where}: the one Bookinfo image, tagged with the package version`);
      assert.equal(c.command, undefined, `${where} runs the image's entrypoint`);
      assert.deepEqual(c.args, [d.metadata.labels!.app], `${where}: args pick the service`);
      assert.equal(c.env?.find((e) => e.name === 'SERVICE_VERSION')?.value, d.metadata.labels!.version, `${where}: SERVICE_VERSION is the version label`);
      assert.deepEqual(c.ports?.map((p) => String(p.containerPort)), exposed, `${where}: the port the image exposes`);
      const sc = (c as { securityContext?: { runAsUser?: number; runAsNonRoot?: boolean } }).securityContext;
      assert.equal(sc?.runAsUser, Number(user.split(':')[0]), `${where} runs as the image's user`);
      assert.equal(sc?.runAsNonRoot, true, where);
    }
  }
});
