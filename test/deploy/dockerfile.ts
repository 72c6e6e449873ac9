// A small reader for the repository's Dockerfile: enough of the syntax (line
// continuations, comments, exec-form JSON, ARG defaults in FROM) to check what
// each stage runs and copies, since no container engine is here to build it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../support/waymark.ts';

export interface Instruction {
  keyword: string;
  /** The text after the keyword, continuations joined. */
  args: string;
  /** Exec form (`["a", "b"]`) parsed, when the instruction used it. */
  exec?: string[];
}

export interface Stage {
  image: string;
  name?: string;
  instructions: Instruction[];
}

export function readDockerfile(file = path.join(ROOT, 'Dockerfile')): Stage[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const logical: string[] = [];
  let pending = '';
  for (const raw of lines) {
    if (/^\s*#/.test(raw)) continue;
    const line = raw.replace(/\s+$/, '');
    if (line.endsWith('\\')) {
      pending += line.slice(0, -1) + ' ';
      continue;
    }
    const full = (pending + line).trim();
    pending = '';
    if (full !== '') logical.push(full);
  }
  const globalArgs = new Map<string, string>();
  const stages: Stage[] = [];
  for (const text of logical) {
    const m = /^(\w+)\s+(.*)$/s.exec(text);
    if (!m) throw new Error(`Dockerfile: cannot read "${text}"`);
    const keyword = m[1]!.toUpperCase();
    const args = m[2]!.trim();
    if (keyword === 'FROM') {
      const [image, as, name] = args.split(/\s+/);
      const resolved = image!.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a: string | undefined, b: string | undefined) => globalArgs.get((a ?? b)!) ?? '');
      stages.push({ image: resolved, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
      continue;
    }
    if (stages.length === 0) {
      if (keyword !== 'ARG') throw new Error(`Dockerfile: ${keyword} before the first FROM`);
      const [k, v] = args.split('=');
      globalArgs.set(k!, v ?? '');
      continue;
    }
    // Exec form: the whole argument (RUN, CMD, ENTRYPOINT, COPY) or HEALTHCHECK's CMD part.
    const json = keyword === 'HEALTHCHECK' ? /\bCMD\s+(\[.*\])$/s.exec(args)?.[1] : /^(\[.*\])$/s.exec(args)?.[1];
    let exec: string[] | undefined;
    if (json) {
      try {
        exec = JSON.parse(json) as string[];
      } catch {
        throw new Error(`Dockerfile: ${keyword} has malformed exec-form JSON: ${json}`);
      }
    }
    stages[stages.length - 1]!.instructions.push({ keyword, args, exec });
  }
  return stages;
}

export function all(stage: Stage, keyword: string): Instruction[] {
  return stage.instructions.filter((i) => i.keyword === keyword);
}

/** COPY's flags, sources and destination (`COPY --from=build /src/dist ./dist`). */
export function parseCopy(i: Instruction): { from?: string; sources: string[]; dest: string } {
  const words = i.exec ?? i.args.split(/\s+/);
  const flags = words.filter((w) => w.startsWith('--'));
  const rest = words.filter((w) => !w.startsWith('--'));
  const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
  return { from, sources: rest.slice(0, -1), dest: rest[rest.length - 1]! };
}

/** ENV KEY=value pairs of a stage (the `ENV KEY value` form too). */
export function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const i of all(stage, 'ENV')) {
    if (i.args.includes('=')) for (const m of i.args.matchAll(/(\w+)=("([^"]*)"|\S+)/g)) env[m[1]!] = m[3] ?? m[2]!;
    else {
      const [k, ...v] = i.args.split(/\s+/);
      env[k!] = v.join(' ');
    }
  }
  return env;
}
