import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../support/waymark.ts';

const run = promisify(execFile);

/** The Maven projects of the engine launchers, and the Java sources they share. */
const ENGINES_DIR = path.join(ROOT, 'test/engines');
const SHARED_SOURCES = path.join(ENGINES_DIR, 'jvm-common');
/** Build output, one folder per project and source hash; Maven's own ~/.m2 caches the jars. */
export const CACHE_DIR = path.join(ROOT, 'node_modules/.cache/waymark-engines');

/** A launcher's compiled classes and every jar it needs, ready for `java -cp`. */
export interface Launcher {
  classpath: string;
  /** Whether this call ran Maven (false: the cached build was current). */
  built: boolean;
}

/**
 * Builds the Maven project `test/engines/<project>` unless a build of the same pom and sources
 * is cached, and returns its classpath. The first build on a machine downloads the jars from
 * Maven Central into ~/.m2 (163 MB for all three engines with the Maven plugins), so it may
 * take minutes.
 */
export async function buildLauncher(project: string): Promise<Launcher> {
  const projectDir = path.join(ENGINES_DIR, project);
  const hash = await hashSources([path.join(projectDir, 'pom.xml'), path.join(projectDir, 'src'), SHARED_SOURCES]);
  const outDir = path.join(CACHE_DIR, `${project}-${hash}`);
  const cached = await readClasspath(outDir);
  if (cached) return { classpath: cached, built: false };

  // Build beside the final folder and rename it into place, so a concurrent or interrupted
  // build never leaves a half-written folder that looks finished.
  const tmpDir = `${outDir}.tmp-${process.pid}-${Date.now()}`;
  await mkdir(tmpDir, { recursive: true });
  try {
    const args = ['-B', '-q', '--no-transfer-progress', '-f', path.join(projectDir, 'pom.xml'),
      `-Dwaymark.buildDir=${path.join(tmpDir, 'target')}`,
      'compile', 'dependency:build-classpath', `-Dmdep.outputFile=${path.join(tmpDir, 'deps.txt')}`];
    try {
      await run('mvn', args, { maxBuffer: 64 * 1024 * 1024, timeout: 20 * 60_000 });
    } catch (err) {
      const { stdout, stderr } = err as { stdout?: string; stderr?: string };
      throw new Error(`mvn ${args.join(' ')} failed in ${projectDir}:\n${stdout ?? ''}${stderr ?? ''}`, { cause: err });
    }
    const deps = (await readFile(path.join(tmpDir, 'deps.txt'), 'utf8')).trim();
    const classpath = [path.join(outDir, 'target/classes'), ...deps.split(path.delimiter)].join(path.delimiter);
    await writeFile(path.join(tmpDir, 'classpath.txt'), classpath);
    await rm(outDir, { recursive: true, force: true });
    await rename(tmpDir, outDir);
    await removeOtherBuilds(project, outDir);
  } catch (err) {
    await rm(tmpDir, { recursive: true, force: true });
    const raced = await readClasspath(outDir);
    if (raced) return { classpath: raced, built: false };
    throw err;
  }
  return { classpath: (await readClasspath(outDir))!, built: true };
}

/** Finished builds of older sources of the project (a build still in progress has a .tmp- name). */
async function removeOtherBuilds(project: string, keep: string): Promise<void> {
  const stale = (await readdir(CACHE_DIR)).filter((name) => name.startsWith(`${project}-`) && !name.includes('.tmp-'));
  await Promise.all(stale.map((name) => path.join(CACHE_DIR, name)).filter((dir) => dir !== keep).map((dir) => rm(dir, { recursive: true, force: true })));
}

/** The cached classpath, if the folder holds a finished build whose jars are all still there. */
async function readClasspath(outDir: string): Promise<string | undefined> {
  let classpath: string;
  try {
    classpath = await readFile(path.join(outDir, 'classpath.txt'), 'utf8');
  } catch {
    return undefined;
  }
  // ~/.m2 may have been cleaned since: then the build has to download again.
  return classpath.split(path.delimiter).every((entry) => existsSync(entry)) ? classpath : undefined;
}

/** A short hash of every file under `roots` (names and contents). */
async function hashSources(roots: string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const root of roots) {
    for (const file of await listFiles(root)) {
      hash.update(path.relative(ENGINES_DIR, file)).update('\0').update(await readFile(file)).update('\0');
    }
  }
  return hash.digest('hex').slice(0, 16);
}

async function listFiles(file: string): Promise<string[]> {
  const info = await stat(file).catch(() => undefined);
  if (!info) return [];
  if (!info.isDirectory()) return [file];
  const names = (await readdir(file)).sort();
  return (await Promise.all(names.map((name) => listFiles(path.join(file, name))))).flat();
}
