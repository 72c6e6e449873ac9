import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { InputError } from '../../component/errors.ts';
import { ticketOf } from './admission.ts';

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const brotli = promisify(zlib.brotliDecompress);
const zstd = (zlib as unknown as { zstdDecompress?: typeof zlib.gunzip }).zstdDecompress;
const unzstd = zstd ? promisify(zstd) : undefined;

/**
 * Reads a request body with a size limit applied twice: to the bytes on the
 * wire (stop reading once over) and to the decompressed bytes (zlib stops
 * inflating once over), so a small compressed bomb is refused, not inflated.
 */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    req.resume();
    throw tooLarge(maxBytes, `Content-Length ${declared}`);
  }
  // A body without Content-Length was admitted at 0 bytes: charge it as it arrives.
  const ticket = Number.isFinite(declared) ? undefined : ticketOf(req);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      req.resume();
      throw tooLarge(maxBytes, 'body');
    }
    const refused = ticket?.add(chunk.length);
    if (refused) {
      req.resume();
      throw refused;
    }
    chunks.push(chunk);
  }
  const raw = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
  return decompress(raw, String(req.headers['content-encoding'] ?? 'identity'), maxBytes);
}

export async function decompress(raw: Buffer, encoding: string, maxBytes: number): Promise<Buffer> {
  const enc = encoding.trim().toLowerCase();
  const opts = { maxOutputLength: maxBytes };
  try {
    switch (enc) {
      case '':
      case 'identity':
        return raw;
      case 'gzip':
      case 'x-gzip':
        return await gunzip(raw, opts);
      case 'deflate':
        return await inflate(raw, opts);
      case 'br':
        return await brotli(raw, opts);
      case 'zstd':
        if (unzstd) return await unzstd(raw, opts);
        break;
    }
  } catch (err) {
    if (err instanceof RangeError || (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw tooLarge(maxBytes, `decompressed ${enc} body`);
    }
    throw new InputError(400, 'bad_compression', `cannot decompress ${enc} body: ${(err as Error).message}`);
  }
  throw new InputError(415, 'unsupported_encoding', `unsupported Content-Encoding "${encoding}": use gzip, deflate, br or identity`);
}

function tooLarge(maxBytes: number, what: string): InputError {
  return new InputError(413, 'too_large', `${what} exceeds the limit of ${maxBytes} bytes (--max-request-bytes)`);
}

/** The media type without parameters, lower-cased ("application/json; charset=utf-8" -> "application/json"). */
export function mediaType(req: IncomingMessage): string {
  return String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}
