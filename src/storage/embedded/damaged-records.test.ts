import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ATTR_DOUBLE, ATTR_INT, attrValue } from './attr-rows.ts';
import { ByteReader } from './binary-codec.ts';
import { readValue } from './record-codec.ts';

// Found by the fuzz harness (test/fuzz, target store-records): a damaged file must fail with the store's own error.
const damaged = (err: unknown) => err instanceof RangeError && /^embedded store: /.test(err.message);

test('an integer or double attribute row whose text is damaged is an embedded store error, not a SyntaxError', () => {
  assert.throws(() => attrValue(ATTR_INT, ':', null), damaged);
  assert.throws(() => attrValue(ATTR_INT, '', null), damaged);
  assert.throws(() => attrValue(ATTR_DOUBLE, 'x1', null), damaged);
  assert.equal(attrValue(ATTR_INT, '-9223372036854775808', null), -9223372036854775808n);
  assert.ok(Number.isNaN(attrValue(ATTR_DOUBLE, 'NaN', null)));
  assert.equal(attrValue(ATTR_DOUBLE, '-Infinity', null), -Infinity);
});

test('an attribute value nested deeper than any decoder produces is refused before the stack runs out', () => {
  const blob = new Uint8Array(200_000);
  for (let i = 0; i < blob.length; i += 2) blob.set([7, 1], i); // T_ARRAY of one element, over and over
  assert.throws(() => readValue(new ByteReader(blob)), damaged);
});
