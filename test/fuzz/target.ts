import type fc from 'fast-check';

/**
 * One decoder under fuzzing. `run` feeds it one input the way its receiver
 * or route does; it must return or throw an error `expected` accepts (the
 * project's classified input errors), within a time bound and without
 * allocating far beyond its input.
 */
export interface FuzzTarget<T = unknown> {
  name: string;
  /** Valid messages of the format, structurally damaged (and some untouched). */
  input: fc.Arbitrary<T>;
  run(input: T): unknown;
  expected(err: unknown): boolean;
  /** Decoding then re-encoding valid inputs gives the same thing back, where the format allows. */
  roundTrip?: RoundTrip;
}

export interface RoundTrip<V = any> {
  input: fc.Arbitrary<V>;
  /** Throws (an assertion) when the value does not survive. */
  check(value: V): void;
}

/** A target's input as a file and back, for the corpus of failing inputs. */
export function saveInput(input: unknown): string {
  return JSON.stringify(input, (_k, v: unknown) => {
    if (typeof v === 'bigint') return { $bigint: v.toString() };
    if (v instanceof Uint8Array) return { $bytes: Buffer.from(v).toString('base64') };
    return v;
  }, 1);
}

export function loadInput(text: string): unknown {
  return JSON.parse(text, (_k, v: unknown) => {
    if (v !== null && typeof v === 'object' && '$bytes' in v) return new Uint8Array(Buffer.from(String(v.$bytes), 'base64'));
    if (v !== null && typeof v === 'object' && '$bigint' in v) return BigInt(String(v.$bigint));
    return v;
  });
}

/** An input taking longer than this is reported as a hang (generous: the machine may be busy). */
export const HANG_MS = 5000;
/** Memory (ArrayBuffers + heap) an input may add: inputs are at most a few hundred KB. */
export const MEMORY_LIMIT_BYTES = 256 * 1024 * 1024;

export type Outcome =
  | { kind: 'ok' }
  | { kind: 'refused'; error: unknown }
  | { kind: 'crash'; error: unknown }
  | { kind: 'hang'; ms: number }
  | { kind: 'memory'; bytes: number };

function used(): number {
  const m = process.memoryUsage();
  return m.arrayBuffers + m.heapUsed;
}

/** Runs one input and says how it went. */
export async function runOne<T>(target: FuzzTarget<T>, input: T): Promise<Outcome> {
  const before = used();
  const started = performance.now();
  let outcome: Outcome;
  try {
    await target.run(input);
    outcome = { kind: 'ok' };
  } catch (error) {
    outcome = target.expected(error) ? { kind: 'refused', error } : { kind: 'crash', error };
  }
  const ms = performance.now() - started;
  if (outcome.kind === 'crash') return outcome;
  if (ms > HANG_MS) return { kind: 'hang', ms };
  const grown = used() - before;
  if (grown > MEMORY_LIMIT_BYTES) return { kind: 'memory', bytes: grown };
  return outcome;
}

export function describeOutcome(o: Outcome): string {
  switch (o.kind) {
    case 'crash': {
      const e = o.error as Error;
      return `crash: ${e?.constructor?.name ?? typeof e}: ${String(e?.message ?? e).slice(0, 300)}\n${String(e?.stack ?? '').split('\n').slice(1, 6).join('\n')}`;
    }
    case 'hang':
      return `hang: ${o.ms.toFixed(0)} ms`;
    case 'memory':
      return `memory: ${(o.bytes / 1048576).toFixed(0)} MB`;
    default:
      return o.kind;
  }
}
