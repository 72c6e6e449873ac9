import assert from 'node:assert/strict';
import { PermanentError } from '../../../src/component/errors.ts';
import { decodeExportRequest, decodeExportRequestJson, encodeTracesData, spansToOtlpJson } from '../../../src/protocols/otlp/index.ts';
import { assertSame } from '../../support/plain.ts';
import { spans } from '../model-arb.ts';
import { fuzzBytes, fuzzJson } from '../mutate.ts';
import { checkSpans } from '../model-check.ts';
import type { FuzzTarget } from '../target.ts';

const isPermanent = (err: unknown): boolean => err instanceof PermanentError;

/** OTLP/protobuf ExportTraceServiceRequest (OTLP/HTTP and OTLP/gRPC): the hand-written decoder. */
export const otlpProto: FuzzTarget<Uint8Array> = {
  name: 'otlp-proto',
  input: fuzzBytes(spans.map((s) => encodeTracesData(s))),
  run: (buf) => checkSpans(decodeExportRequest(buf, { maxAttributeValueLength: 64 }).spans),
  expected: isPermanent,
  roundTrip: {
    input: spans,
    check(s) {
      const out = decodeExportRequest(encodeTracesData(s));
      assert.equal(out.rejected, 0, out.errors.join('; '));
      assertSame(out.spans, s, 'OTLP protobuf round trip');
    },
  },
};

/** OTLP/JSON (OTLP/HTTP with application/json, and the body of /api/transform). */
export const otlpJson: FuzzTarget<Uint8Array> = {
  name: 'otlp-json',
  input: fuzzJson(spans.map((s) => spansToOtlpJson(s))),
  run: (buf) => checkSpans(decodeExportRequestJson(Buffer.from(buf).toString('utf8')).spans),
  expected: isPermanent,
  roundTrip: {
    input: spans,
    check(s) {
      const out = decodeExportRequestJson(JSON.stringify(spansToOtlpJson(s)));
      assert.equal(out.rejected, 0, out.errors.join('; '));
      assertSame(out.spans, s, 'OTLP JSON round trip');
    },
  },
};
