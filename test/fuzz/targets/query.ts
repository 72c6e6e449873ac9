import assert from 'node:assert/strict';
import fc from 'fast-check';
import { InputError, PermanentError } from '../../../src/component/errors.ts';
import { InvalidIdError } from '../../../src/model/ids.ts';
import { parseGoDuration } from '../../../src/model/time.ts';
import { spansToJaegerTrace } from '../../../src/protocols/jaeger-json/encoder.ts';
import { decodeExportRequestJson, spansToOtlpJson } from '../../../src/protocols/otlp/index.ts';
import { formatGoDuration } from '../../../src/query/duration-format.ts';
import { parseLegacySearch } from '../../../src/query/http/legacy-search-params.ts';
import { paramsOf } from '../../../src/query/http/params.ts';
import { formatRfc3339, parseRfc3339 } from '../../../src/query/http/rfc3339.ts';
import { paramsOfV3Body, parseV3Search, parseV3TraceLookup } from '../../../src/query/http/v3-params.ts';
import { spans } from '../model-arb.ts';
import { fuzzJson, weirdJson } from '../mutate.ts';
import type { FuzzTarget } from '../target.ts';

/** What the query routes answer 4xx for (toQueryFailure); anything else is a 500. */
const expected = (err: unknown): boolean => err instanceof InputError || err instanceof PermanentError || err instanceof InvalidIdError;

const NOW = 1_764_000_000_000_000_000n;

/** Good values of every kind the parameters take, and bad ones. */
const value: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('1764000000000000', '1764000000000', '1764000000000000000', '0', '-1', '99999999999999999999', '1.5', ' 12 ', '1e3', '0x10'),
  fc.constantFrom('1.5s', '300us', '300µs', '1m30s', '-1s', '1h', '9999999999h', '.5ms', 's', '1', '1ss', '1.2.3s', '0'),
  fc.constantFrom('2026-01-02T15:04:05.123456789Z', '2026-01-02T15:04:05+01:00', '0001-01-01T00:00:00Z', '9999-12-31T23:59:60Z', '2026-02-31T00:00:00Z', '2026-13-01T00:00:00Z', '2026-01-02 15:04:05z'),
  fc.constantFrom('0af7651916cd43dd8448eb211c80319c', '1', '0', '00000000000000000000000000000000', 'g', 'f'.repeat(33), ''),
  fc.constantFrom('server', 'client', 'SERVER', 'internal', 'x', 'true', 'false', '1', 'yes'),
  fc.constantFrom('{"http.status_code":"200"}', '{"a":1,"b":true}', '{"a":null}', '[]', 'null', '{', '{"__proto__":{"x":"y"}}', 'http.method:GET', 'a!=b', ':x', '!=', 'k'),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
);

const LEGACY_NAMES = ['traceID', 'start', 'end', 'minDuration', 'maxDuration', 'limit', 'service', 'operation', 'tags', 'tag', 'spanKind', 'lookback'];
const V3_NAMES = [
  'query.service_name', 'query.operation_name', 'query.start_time_min', 'query.startTimeMin', 'query.start_time_max', 'query.startTimeMax',
  'query.duration_min', 'query.duration_max', 'query.attributes', 'query.search_depth', 'query.num_traces', 'query.raw_traces', 'query.span_kind',
  'start_time', 'end_time', 'raw_traces',
];

const queryString = (names: string[]): fc.Arbitrary<string> =>
  fc
    .array(fc.tuple(fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...names) }, { weight: 1, arbitrary: fc.string({ maxLength: 6 }) }), value), { maxLength: 8 })
    .map((pairs) => new URLSearchParams(pairs).toString());

/** GET /api/traces. */
export const queryLegacy: FuzzTarget<string> = {
  name: 'query-legacy-params',
  input: queryString(LEGACY_NAMES),
  run: (qs) => parseLegacySearch(paramsOf(`http://h/api/traces?${qs}`), NOW),
  expected,
};

/** GET /api/v3/traces and /api/v3/traces/{id}. */
export const queryV3: FuzzTarget<{ qs: string; id: string }> = {
  name: 'query-v3-params',
  // Most inputs carry the two required bounds first, so the other parameters are reached too.
  input: fc.record({
    qs: fc
      .tuple(fc.boolean(), queryString(V3_NAMES))
      .map(([window, qs]) => (window ? `query.start_time_min=2026-01-02T15:04:05Z&query.start_time_max=2026-01-02T16:04:05.5Z&${qs}` : qs)),
    id: value,
  }),
  run: ({ qs, id }) => {
    const p = paramsOf(`http://h/api/v3/traces?${qs}`);
    const errors: unknown[] = [];
    for (const parse of [() => parseV3Search(p), () => parseV3TraceLookup(id, p)]) {
      try {
        parse();
      } catch (err) {
        errors.push(err);
      }
    }
    // Both parsers run on every input; an unexpected error wins, else the first refusal is the outcome.
    const first = errors.find((e) => !expected(e)) ?? errors[0];
    if (first !== undefined) throw first;
  },
  expected,
};

/** POST /api/v3/traces: a JSON body holding the query. */
export const queryV3Body: FuzzTarget<Uint8Array> = {
  name: 'query-v3-body',
  input: fuzzJson(
    fc.record({
      query: fc.record(
        {
          service_name: fc.string(),
          startTimeMin: fc.constant('2026-01-02T15:04:05Z'),
          start_time_max: fc.constant('2026-01-02T16:04:05.5Z'),
          attributes: fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
          search_depth: fc.integer({ min: 0, max: 1000 }),
          durationMin: fc.constantFrom('1ms', '2s'),
          raw_traces: fc.boolean(),
          extra: weirdJson,
        },
        { requiredKeys: ['startTimeMin', 'start_time_max'] },
      ),
    }),
  ),
  run: (buf) => parseV3Search(paramsOfV3Body(Buffer.from(buf).toString('utf8'))),
  expected,
};

/** Nanoseconds from year 1 to 9999, the years RFC 3339 has four digits for. */
const YEAR_1 = -62_135_596_800_000_000_000n;
const YEAR_10000 = 253_402_300_800_000_000_000n;

/** The RFC 3339 times of api_v3 parameters: exact to the nanosecond both ways. */
export const rfc3339: FuzzTarget<string> = {
  name: 'rfc3339',
  input: fc.oneof(value, fc.bigInt({ min: YEAR_1, max: YEAR_10000 - 1n }).map(formatRfc3339), fc.string({ maxLength: 40 })),
  run: (s) => parseRfc3339('t', s),
  expected,
  roundTrip: {
    input: fc.bigInt({ min: YEAR_1, max: YEAR_10000 - 1n }),
    check(ns: bigint) {
      assert.equal(parseRfc3339('t', formatRfc3339(ns)), ns, formatRfc3339(ns));
    },
  },
};

/** Go durations (minDuration/maxDuration): parse never throws, and what formatGoDuration prints parses back exactly. */
export const goDuration: FuzzTarget<string> = {
  name: 'go-duration',
  input: fc.oneof(value, fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(formatGoDuration), fc.string({ maxLength: 30 })),
  run: (s) => parseGoDuration(s),
  expected: () => false,
  roundTrip: {
    input: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    check(ns: bigint) {
      assert.equal(parseGoDuration(formatGoDuration(ns)), ns, formatGoDuration(ns));
    },
  },
};

/** POST /api/transform: OTLP JSON in, Jaeger JSON out, both as the route runs them. */
export const transform: FuzzTarget<Uint8Array> = {
  name: 'api-transform',
  input: fuzzJson(spans.map((s) => spansToOtlpJson(s))),
  run: (buf) => {
    const result = decodeExportRequestJson(Buffer.from(buf).toString('utf8'));
    const byTrace = Map.groupBy(result.spans, (s) => s.traceId);
    return JSON.stringify([...byTrace.values()].map((trace) => spansToJaegerTrace(trace)));
  },
  expected,
};
