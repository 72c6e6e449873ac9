import assert from 'node:assert/strict';
import { test } from 'node:test';
import { attributeToString, type AttributeValue } from '../../model/attributes.ts';
import { ATTR_RAW, attrRow, attributesFromRows, attrValue } from './attr-rows.ts';

test('every attribute value comes back exactly from its row, and the row text is what search compares', () => {
  const values: AttributeValue[] = [
    'text', '', true, false, 0n, -1n, 9223372036854775807n, -9223372036854775808n,
    0.1, -0, 0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e308, 5e-324,
    new Uint8Array([0, 255]), ['a', 1n, [false]], { kvlist: [{ key: 'k', value: 2.5 }] },
  ];
  for (const v of values) {
    const row = attrRow(v);
    assert.equal(row.value, attributeToString(v), String(v));
    assert.deepEqual(attrValue(row.type, row.value, row.raw ?? null), v, String(v));
    if (Object.is(v, -0)) assert.equal(row.type, ATTR_RAW, '-0 prints as "0", so it keeps its encoding');
  }
});

test('rows come back in their original order, duplicates kept, event rows left out', () => {
  const rows = [
    { key: 'b', type: 0, value: 'second', pos: 1, raw: null },
    { key: 'event', type: 5, value: 'retry', pos: 0, raw: null },
    { key: 'a', type: 2, value: '7', pos: 0, raw: null },
    { key: 'b', type: 1, value: 'true', pos: 2, raw: null },
  ];
  assert.deepEqual(attributesFromRows(rows), [
    { key: 'a', value: 7n },
    { key: 'b', value: 'second' },
    { key: 'b', value: true },
  ]);
});
