import { PermanentError } from '../../component/errors.ts';

/** Parses a request body that must be a JSON array (the only shape Zipkin's span endpoints take). */
export function parseJsonArray(body: Uint8Array, what: string): unknown[] {
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  if (text.trim() === '') throw new PermanentError(`empty request body: expected a JSON array of ${what}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new PermanentError(`malformed JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(parsed)) throw new PermanentError(`expected a JSON array of ${what}, got ${parsed === null ? 'null' : typeof parsed}`);
  return parsed;
}
