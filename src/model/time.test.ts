import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseGoDuration } from './time.ts';

test('Go duration strings in every unit', () => {
  assert.equal(parseGoDuration('1.2s'), 1_200_000_000n);
  assert.equal(parseGoDuration('500ms'), 500_000_000n);
  assert.equal(parseGoDuration('300us'), 300_000n);
  assert.equal(parseGoDuration('300µs'), 300_000n);
  assert.equal(parseGoDuration('7ns'), 7n);
  assert.equal(parseGoDuration('1h2m3s'), 3_723_000_000_000n);
  assert.equal(parseGoDuration('0'), 0n);
});

test('text that is not a duration is undefined', () => {
  for (const bad of ['', '10', 'ms', '1x', '1.5', 's1', '1s junk']) assert.equal(parseGoDuration(bad), undefined, bad);
});
