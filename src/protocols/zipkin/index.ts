import type { Span } from '../../model/span.ts';
import { zipkinToModel } from './to-model.ts';
import { v1ToV2 } from './v1-converter.ts';
import { decodeV1Json } from './v1-json-decoder.ts';
import { decodeV1Thrift } from './v1-thrift-decoder.ts';
import { decodeV2Json } from './v2-json-decoder.ts';
import { decodeV2Proto } from './v2-proto-decoder.ts';

export type ZipkinEncoding = 'v2-json' | 'v2-proto' | 'v1-json' | 'v1-thrift';

/**
 * Decodes one Zipkin request body into model spans. Throws PermanentError or
 * InvalidIdError naming the span and field: Zipkin has no partial success,
 * so one bad span refuses the whole batch.
 */
export function decodeZipkin(encoding: ZipkinEncoding, body: Uint8Array): Span[] {
  switch (encoding) {
    case 'v2-json':
      return zipkinToModel(decodeV2Json(body));
    case 'v2-proto':
      return zipkinToModel(decodeV2Proto(body));
    case 'v1-json':
      return zipkinToModel(v1ToV2(decodeV1Json(body)));
    case 'v1-thrift':
      return zipkinToModel(v1ToV2(decodeV1Thrift(body)));
  }
}

export { modelToZipkin, type ZipkinJsonSpan } from './from-model.ts';
export { zipkinToModel } from './to-model.ts';
export type { ZipkinSpan } from './zipkin-span.ts';
