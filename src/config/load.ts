import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { parseGoDuration } from '../model/time.ts';
import type { WaymarkConfig } from './config.ts';
import { JAEGER_ENV_ALIASES, OPTIONS, type OptionSpec } from './options.ts';

export class ConfigError extends Error {}

export interface ConfigSources {
  /** Values given on the command line, by option path. */
  flags: Record<string, string>;
  env: NodeJS.ProcessEnv;
  /** Path of an optional YAML file (`--config` or WAYMARK_CONFIG). */
  configFile?: string;
}

/** Defaults < YAML file < environment (Jaeger aliases, then WAYMARK_*) < flags. */
export function resolveConfig(sources: ConfigSources): WaymarkConfig {
  const values = new Map<string, { raw: unknown; from: string }>();
  for (const opt of OPTIONS) values.set(opt.path, { raw: opt.default, from: 'default' });

  if (sources.configFile) {
    for (const [path, raw] of readYaml(sources.configFile)) values.set(path, { raw, from: `${sources.configFile}: ${path}` });
  }
  for (const alias of JAEGER_ENV_ALIASES) {
    const v = sources.env[alias.env];
    if (v === undefined) continue;
    const mapped = alias.map(v);
    if (mapped !== undefined) values.set(alias.path, { raw: mapped, from: `$${alias.env}` });
  }
  for (const opt of OPTIONS) {
    const v = sources.env[opt.env];
    if (v !== undefined && v !== '') values.set(opt.path, { raw: v, from: `$${opt.env}` });
  }
  for (const [path, v] of Object.entries(sources.flags)) values.set(path, { raw: v, from: `--${flagOf(path)}` });

  const config = {} as Record<string, unknown>;
  for (const opt of OPTIONS) {
    const { raw, from } = values.get(opt.path)!;
    setPath(config, opt.path, coerce(opt, raw, from));
  }
  const c = config as unknown as WaymarkConfig;
  c.query.basePath = normalizeBasePath(c.query.basePath);
  return c;
}

function readYaml(file: string): [string, unknown][] {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`cannot read config file ${file}: ${(err as Error).message}`);
  }
  if (doc === null || doc === undefined) return [];
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new ConfigError(`config file ${file}: expected a mapping at the top level`);
  const known = new Set(OPTIONS.map((o) => o.path));
  const out: [string, unknown][] = [];
  const walk = (node: Record<string, unknown>, prefix: string) => {
    for (const [k, v] of Object.entries(node)) {
      const path = prefix ? `${prefix}.${k}` : k;
      if (known.has(path)) out.push([path, v]);
      else if (v !== null && typeof v === 'object' && !Array.isArray(v)) walk(v as Record<string, unknown>, path);
      else throw new ConfigError(`config file ${file}: unknown setting "${path}"`);
    }
  };
  walk(doc as Record<string, unknown>, '');
  return out;
}

/** Sizes as DuckDB reads them. */
const SIZE = /^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i;

function coerce(opt: OptionSpec, raw: unknown, from: string): number | string {
  if (opt.kind === 'duration') {
    const ns = parseGoDuration(String(raw));
    if (ns === undefined || ns < 0n) throw new ConfigError(`${from}: "${String(raw)}" is not a duration such as 72h, 30m or 1.5s`);
    return String(raw);
  }
  if (opt.kind === 'size') {
    if (!SIZE.test(String(raw).trim())) throw new ConfigError(`${from}: "${String(raw)}" is not a size such as 256MB or 1GB`);
    return String(raw).trim();
  }
  if (opt.kind === 'string') {
    if (typeof raw !== 'string' && typeof raw !== 'number') throw new ConfigError(`${from}: expected a string`);
    return String(raw);
  }
  const n = typeof raw === 'number' ? raw : Number(String(raw).trim());
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(`${from}: "${String(raw)}" is not a non-negative integer`);
  if (opt.kind === 'port' && n > 65535) throw new ConfigError(`${from}: port ${n} is out of range (0-65535)`);
  return n;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const p of parts.slice(0, -1)) node = (node[p] ??= {}) as Record<string, unknown>;
  node[parts.at(-1)!] = value;
}

export function flagOf(path: string): string {
  return OPTIONS.find((o) => o.path === path)?.flag ?? path;
}

/** "" or "/" -> "/"; "jaeger/" -> "/jaeger". */
export function normalizeBasePath(p: string): string {
  const trimmed = p.trim().replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return trimmed.startsWith('/') ? trimmed : '/' + trimmed;
}
