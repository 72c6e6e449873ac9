// Loading, rendering and schema-validating the Kubernetes manifests under deploy/kubernetes.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { ROOT } from '../support/waymark.ts';

export const DEPLOY = path.join(ROOT, 'deploy/kubernetes');

/** A parsed Kubernetes object; fields are read through the helpers below. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  /** Shapes vary by kind; the schema validation has checked them before the cross-reference checks read them. */
  spec?: any;
  [key: string]: unknown;
}

export interface Source {
  /** Where the objects came from: a file, or `kustomize <dir>`. */
  origin: string;
  objects: K8sObject[];
}

/** Files that are not Kubernetes objects: kustomize's own files and Helm values. */
const NOT_MANIFESTS = /(^kustomization\.yaml$|-patch\.yaml$|-values\.yaml$)/;

export function manifestFiles(dir = DEPLOY): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) out.push(...manifestFiles(file));
    else if (/\.ya?ml$/.test(name) && !NOT_MANIFESTS.test(name)) out.push(file);
  }
  return out;
}

export function parseObjects(text: string, origin: string): K8sObject[] {
  const objects: K8sObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`${origin}: ${doc.errors[0]!.message}`);
    const value = doc.toJS({ maxAliasCount: -1 }) as unknown;
    if (value === null || value === undefined) continue;
    objects.push(value as K8sObject);
  }
  return objects;
}

export function loadFile(file: string): Source {
  const origin = path.relative(ROOT, file);
  return { origin, objects: parseObjects(readFileSync(file, 'utf8'), origin) };
}

export function loadYaml(file: string): unknown {
  return parseObjects(readFileSync(file, 'utf8'), file)[0];
}

const run = promisify(execFile);

/** The overlay rendered by kustomize as kubectl embeds it (`kubectl kustomize`, what `kubectl apply -k` applies). */
export async function renderKustomize(dir: string): Promise<Source> {
  let stdout: string;
  try {
    ({ stdout } = await run('kubectl', ['kustomize', dir], { maxBuffer: 16 * 1024 * 1024 }));
  } catch (err) {
    const e = err as { code?: string; stderr?: string };
    if (e.code === 'ENOENT') throw new Error('kubectl is not installed: it renders the kustomize overlays (apt-get install kubectl)');
    throw new Error(`kubectl kustomize ${path.relative(ROOT, dir)} failed: ${e.stderr ?? String(err)}`);
  }
  const origin = `kustomize ${path.relative(ROOT, dir)}`;
  return { origin, objects: parseObjects(stdout, origin) };
}

/** The module of kubernetes-models or @kubernetes-models/istio that holds an apiVersion's classes. */
function modelModule(apiVersion: string): string {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  if (group!.endsWith('.istio.io')) return `@kubernetes-models/istio/${group}/${version}`;
  return group === '' ? `kubernetes-models/${version}` : `kubernetes-models/${group}/${version}`;
}

interface Model {
  validate(): void;
}

/** Validates one object against its API schema; throws with the object's kind/name and the schema error. */
export async function validateObject(obj: K8sObject, origin: string): Promise<void> {
  const where = `${origin}: ${obj.kind}/${obj.metadata?.name}`;
  let mod: Record<string, unknown>;
  try {
    mod = (await import(modelModule(obj.apiVersion))) as Record<string, unknown>;
  } catch {
    throw new Error(`${where}: no schema for apiVersion ${obj.apiVersion}`);
  }
  const Ctor = mod[obj.kind] as (new (data: unknown) => Model) | undefined;
  if (typeof Ctor !== 'function') throw new Error(`${where}: ${obj.apiVersion} has no kind ${obj.kind}`);
  try {
    new Ctor(obj).validate();
  } catch (err) {
    throw new Error(`${where}: ${(err as Error).message}`);
  }
}
