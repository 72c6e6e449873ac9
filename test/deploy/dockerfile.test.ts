// No container engine runs here, so the image is checked by reading the
// Dockerfile: it must build what the test suite builds and runs (npm ci, the
// package.json build script, tsconfig.build.json into dist/) and run it the way
// the manifests expect (entrypoint, user, ports, health check).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { OPTIONS } from '../../src/config/options.ts';
import { ROOT, startWaymark } from '../support/waymark.ts';
import { all, envOf, parseCopy, readDockerfile, type Stage } from './dockerfile.ts';
import { DEPLOY, loadFile } from './manifests.ts';
import { containers, workloads } from './references.ts';

const run = promisify(execFile);
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  engines: { node: string };
  devDependencies: Record<string, string>;
  files: string[];
};
const stages = readDockerfile();
const build = stages[0]!;
const runtime = stages[stages.length - 1]!;
const readJson = (rel: string) => JSON.parse(readFileSync(path.join(ROOT, rel), 'utf8')) as Record<string, any>;

/** Shell commands of a stage's RUN lines, split on && and ;, in order. */
function commands(stage: Stage): string[] {
  return all(stage, 'RUN').flatMap((i) => (i.exec ? [i.exec.join(' ')] : i.args.split(/&&|;/).map((c) => c.trim())));
}

/** Context paths COPYed into a stage before its instruction number `before`. */
function copiedBefore(stage: Stage, before: number): string[] {
  return stage.instructions
    .slice(0, before)
    .filter((i) => i.keyword === 'COPY')
    .map(parseCopy)
    .filter((c) => c.from === undefined)
    .flatMap((c) => c.sources.map((s) => path.normalize(s)));
}

const covers = (copied: string[], p: string) => copied.some((c) => p === c || p.startsWith(c + '/'));

const LIFECYCLE: Record<string, string[]> = {
  ci: ['preinstall', 'install', 'postinstall', 'prepublish', 'preprepare', 'prepare', 'postprepare'],
};

/** The package.json scripts one shell command runs, following `npm run X` inside scripts and pre/post hooks. */
function scriptsRunBy(command: string): string[] {
  const out: string[] = [];
  const visit = (name: string) => {
    if (!pkg.scripts[name] || out.includes(name)) return;
    out.push(name);
    for (const m of pkg.scripts[name]!.matchAll(/npm run (\S+)/g)) visit(m[1]!);
  };
  const ci = /^npm ci\b/.test(command);
  const run = /^npm run (\S+)/.exec(command)?.[1];
  if (ci) for (const s of LIFECYCLE.ci!) visit(s);
  if (run) for (const s of [`pre${run}`, run, `post${run}`]) visit(s);
  return out;
}

/** Files and folders a build command reads: repository paths named in it, plus a tsconfig's extends and include. */
function buildInputs(script: string): string[] {
  const inputs = new Set<string>();
  for (const word of script.split(/\s+/)) {
    if (!/[./]/.test(word) || !existsSync(path.join(ROOT, word))) continue;
    inputs.add(path.normalize(word));
    if (/tsconfig.*\.json$/.test(word)) {
      let config: string | undefined = word;
      let include: string[] | undefined; // a child's include replaces its parent's
      while (config) {
        const json = readJson(config);
        inputs.add(path.normalize(config));
        include ??= json.include as string[] | undefined;
        config = json.extends ? path.normalize(path.join(path.dirname(config), json.extends as string)) : undefined;
      }
      for (const inc of include ?? []) inputs.add(path.normalize(inc));
    }
  }
  return [...inputs];
}

test('the build stage installs with npm ci and runs the package.json build script on the pinned Node major', () => {
  assert.ok(stages.length >= 2, 'multi-stage');
  const major = (spec: string) => /(\d+)/.exec(spec)![1];
  for (const s of stages) assert.equal(/^node:(\d+)-/.exec(s.image)?.[1], major(pkg.engines.node), `${s.image} is Node ${major(pkg.engines.node)}`);
  assert.equal(major(pkg.devDependencies.node!), major(pkg.engines.node));

  const npm = commands(build).filter((c) => c.startsWith('npm '));
  assert.match(npm[0]!, /^npm ci\b/, 'installs exactly the lockfile first');
  for (const c of npm) {
    const script = /^npm run (\S+)/.exec(c)?.[1];
    if (script) assert.ok(pkg.scripts[script], `the Dockerfile runs npm run ${script}, which package.json lacks`);
  }
  assert.ok(npm.includes('npm run build'));
  assert.ok(npm.findIndex((c) => /^npm prune --omit=dev\b/.test(c)) > npm.indexOf('npm run build'), 'devDependencies pruned after the build');

  // What each npm command runs (npm ci runs the install lifecycle, including prepare), and what that reads:
  // all of it must be copied in before the command.
  let ran: string[] = [];
  for (const [i, instruction] of build.instructions.entries()) {
    if (instruction.keyword !== 'RUN') continue;
    const scripts = commands({ ...build, instructions: [instruction] }).flatMap(scriptsRunBy);
    const copied = copiedBefore(build, i);
    if (/\bnpm ci\b/.test(instruction.args)) for (const f of ['package.json', 'package-lock.json']) assert.ok(covers(copied, f), `${f} is copied before npm ci`);
    for (const script of scripts) {
      for (const f of buildInputs(pkg.scripts[script]!)) assert.ok(covers(copied, f), `npm script ${script} reads ${f}, which the Dockerfile has not copied yet`);
    }
    ran = [...ran, ...scripts];
  }
  for (const f of ['tsconfig.build.json', 'tsconfig.json', 'src', 'scripts/copy-assets.ts']) assert.ok(buildInputs(pkg.scripts.build!).includes(f), `build input ${f} found`);
  for (const script of Object.keys(pkg.scripts).filter((k) => /^build(:|$)/.test(k))) assert.ok(ran.includes(script), `the image build never runs npm run ${script}`);

  // The test suite compiles and runs the same artefact: test/cli/package.test.ts builds with
  // tsconfig.build.json and scripts/copy-assets.ts, as the build script does.
  const packageTest = readFileSync(path.join(ROOT, 'test/cli/package.test.ts'), 'utf8');
  for (const f of ['tsconfig.build.json', 'scripts/copy-assets.ts']) {
    assert.ok(pkg.scripts.build!.includes(f) && packageTest.includes(f), `the build script and test/cli/package.test.ts both use ${f}`);
  }
});

test('.dockerignore keeps local builds out and every build input in', () => {
  const ignored = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  for (const p of ['node_modules', 'dist', '.git']) assert.ok(ignored.includes(p), `.dockerignore lacks ${p}`);
  for (const input of [...buildInputs(pkg.scripts.build!), 'package.json', 'package-lock.json', 'bin']) {
    assert.ok(!ignored.some((p) => input === p || input.startsWith(p + '/')), `.dockerignore drops build input ${input}`);
  }
});

test('the runtime stage holds only runtime files and runs bin/waymark on the compiled JavaScript', () => {
  const workdir = all(runtime, 'WORKDIR').at(-1)!.args;
  const copies = all(runtime, 'COPY').map(parseCopy);
  const buildDir = all(build, 'WORKDIR').at(-1)!.args;
  const fromBuild = copies.filter((c) => c.from === build.name).flatMap((c) => c.sources.map((s) => path.posix.relative(buildDir, s)));
  const fromContext = copies.filter((c) => c.from === undefined).flatMap((c) => c.sources);
  assert.deepEqual(new Set([...fromBuild, ...fromContext]), new Set(['package.json', 'node_modules', 'dist', 'src/ui/dist', 'bin']));
  for (const f of pkg.files.filter((f) => f !== 'README.md')) assert.ok(fromBuild.includes(f) || fromContext.includes(f), `package file ${f} is in the image`);
  assert.ok(!fromBuild.includes('src') && !fromContext.includes('src'), 'no TypeScript sources in the image');

  // Without src/, bin/waymark runs dist/cli/main.js, which tsconfig.build.json emits from src/cli/main.ts.
  const tsconfig = readJson('tsconfig.build.json').compilerOptions as { outDir: string; rootDir: string };
  assert.deepEqual([tsconfig.rootDir, tsconfig.outDir], ['src', 'dist']);
  assert.ok(existsSync(path.join(ROOT, 'src/cli/main.ts')));
  const launcher = readFileSync(path.join(ROOT, 'bin/waymark'), 'utf8');
  assert.match(launcher, /src\/cli\/main\.ts/);
  assert.match(launcher, /exec "\$NODE" "\$ROOT\/dist\/cli\/main\.js"/);

  const entrypoint = all(runtime, 'ENTRYPOINT')[0]!.exec!;
  assert.deepEqual(entrypoint, [path.posix.join(workdir, 'bin/waymark')]);
  const cmd = all(runtime, 'CMD')[0]!.exec!;
  assert.deepEqual(cmd, ['all-in-one']);
  assert.equal(envOf(runtime).NODE_ENV, 'production');

  const user = all(runtime, 'USER').at(-1)!.args;
  assert.match(user, /^[1-9]\d*:\d+$/, 'a numeric non-root user, so runAsNonRoot can verify it');
  const uid = Number(user.split(':')[0]);
  const objects = [...loadFile(path.join(DEPLOY, 'waymark/waymark.yaml')).objects, ...loadFile(path.join(DEPLOY, 'waymark/agent.yaml')).objects];
  for (const w of workloads(objects)) {
    assert.equal(w.spec.template.spec.securityContext.runAsUser, uid, `${w.metadata.name} runs as the image's user`);
    for (const c of containers(w)) assert.deepEqual(c.command, entrypoint, `${w.metadata.name} runs the image's entrypoint`);
  }

  // Every port the all-in-one Deployment names is exposed, with its protocol, and no other.
  const deployment = workloads(objects).find((w) => w.metadata.name === 'waymark')!;
  const exposed = all(runtime, 'EXPOSE').flatMap((i) => i.args.split(/\s+/)).sort();
  const named = containers(deployment)[0]!.ports!.map((p) => `${p.containerPort}${p.protocol === 'UDP' ? '/udp' : ''}`).sort();
  assert.deepEqual(exposed, named);
  // The image's data directory is the one the Deployment mounts its volume on, owned by the user.
  const args = containers(deployment)[0]!.args!;
  const dataDir = args[args.indexOf('--data-dir') + 1]!;
  assert.ok(commands(runtime).some((c) => c.includes(`chown ${uid}:`) && c.includes(dataDir)), `${dataDir} is created for uid ${uid}`);
  // The default store is embedded: without --data-dir the image still writes there, not to ./data under its root-owned WORKDIR.
  assert.equal(envOf(runtime)[OPTIONS.find((o) => o.flag === 'data-dir')!.env], dataDir);
});

test('the HEALTHCHECK command passes against a serving Waymark and fails without one', async () => {
  const health = all(runtime, 'HEALTHCHECK')[0]!;
  const [program, ...args] = health.exec!;
  assert.equal(program, 'node');
  const admin = OPTIONS.find((o) => o.flag === 'admin-port')!;
  assert.ok(args.join(' ').includes(`${admin.env} || ${admin.default}`), 'defaults to the admin port and honours its variable');
  const node = path.join(ROOT, 'node_modules/.bin/node');
  const w = await startWaymark();
  try {
    await run(node, args, { env: { ...process.env, [admin.env]: String(w.ports.admin) }, timeout: 5_000 });
  } finally {
    assert.equal(await w.stop(), 0);
  }
  await assert.rejects(run(node, args, { env: { ...process.env, [admin.env]: String(w.ports.admin) }, timeout: 5_000 }), (err: { code: number }) => err.code === 1);
});
