import { PermanentError } from '../../component/errors.ts';
import type { DecodeResult } from './decode-result.ts';
import { decodeOtlpObject } from './object-decoder.ts';
import { EXPORT_REQUEST, otlpType } from './schema.ts';

/**
 * The reference decoder: protobufjs reflection from the .proto files, then
 * the same object conversion the JSON path uses. Slower than the hand-written
 * proto-decoder.ts; kept so tests can check the two agree.
 */
export function decodeExportRequestReflect(buf: Uint8Array): DecodeResult {
  const type = otlpType(EXPORT_REQUEST);
  let doc: unknown;
  try {
    const msg = type.decode(buf);
    doc = type.toObject(msg, { longs: BigInt, enums: Number, bytes: Uint8Array as never });
  } catch (err) {
    throw new PermanentError(`malformed OTLP protobuf: ${(err as Error).message}`);
  }
  return decodeOtlpObject(doc, 'OTLP protobuf');
}
