import zlib from 'node:zlib';
import fc from 'fast-check';
import { InputError } from '../../../src/component/errors.ts';
import { decompress } from '../../../src/receivers/shared/http-body.ts';
import { damagedBytes } from '../mutate.ts';
import type { FuzzTarget } from '../target.ts';

/** The receivers' limit in this target: small, so bombs and near-limit bodies are cheap to make. */
const MAX_BYTES = 64 * 1024;

/** Megabytes of zeros, compressed once per encoding below: each inflates far past the limit. */
const BOMBS: Record<number, Uint8Array> = { 1: new Uint8Array(1 << 20), 4: new Uint8Array(4 << 20) };

const ENCODINGS = ['gzip', 'x-gzip', 'deflate', 'br', 'identity', ''] as const;

function compress(encoding: string, body: Uint8Array): Uint8Array {
  switch (encoding) {
    case 'gzip':
    case 'x-gzip':
      return zlib.gzipSync(body);
    case 'deflate':
      return zlib.deflateSync(body);
    case 'br':
      return zlib.brotliCompressSync(body);
    default:
      return body;
  }
}

/** Bodies of every size around the limit: tiny, just under, just over, and highly compressible bombs. */
const payload: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 6, arbitrary: fc.uint8Array({ maxLength: 200 }) },
  { weight: 3, arbitrary: fc.tuple(fc.integer({ min: MAX_BYTES - 16, max: MAX_BYTES + 16 }), fc.nat({ max: 255 })).map(([n, b]) => new Uint8Array(n).fill(b)) },
  { weight: 1, arbitrary: fc.constantFrom(1, 4).map((mb) => BOMBS[mb]!) },
);

interface Body {
  encoding: string;
  body: Uint8Array;
}

/** The HTTP receivers' body decompression (gzip, deflate, br) with the size limit on what it inflates to. */
export const httpBody: FuzzTarget<Body> = {
  name: 'http-body',
  input: fc
    .tuple(fc.constantFrom(...ENCODINGS), fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...ENCODINGS) }, { weight: 1, arbitrary: fc.string({ maxLength: 10 }) }), payload)
    .chain(([compressWith, header, body]) =>
      damagedBytes(fc.constant(compress(compressWith, body))).map((damaged) => ({ encoding: header, body: damaged })),
    ),
  run: async ({ encoding, body }) => {
    const out = await decompress(Buffer.from(body), encoding, MAX_BYTES);
    if (out.length > MAX_BYTES && !['', 'identity'].includes(encoding.trim().toLowerCase())) {
      throw new Error(`inflated ${out.length} bytes past the ${MAX_BYTES}-byte limit`);
    }
  },
  expected: (err) => err instanceof InputError,
};
