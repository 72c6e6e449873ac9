import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OverloadError } from '../../component/errors.ts';
import { Admission, type AdmissionLimits } from './admission.ts';

const OFF: AdmissionLimits = { maxBytesInFlight: 0, maxRequestsInFlight: 0, memoryLimitBytes: 0, memorySpikeBytes: 0, maxEventLoopDelayMs: 0, maxQueueDelayMs: 0 };

function reason(t: unknown): string | undefined {
  return t instanceof OverloadError ? t.reason : undefined;
}

test('requests in flight: refused at the limit, let in again once one is answered', () => {
  const a = new Admission({ ...OFF, maxRequestsInFlight: 2 });
  const first = a.admit(10);
  const second = a.admit(10);
  assert.equal(reason(a.admit(10)), 'requests_in_flight');
  assert.ok(!(first instanceof OverloadError));
  first.release();
  first.release(); // twice is harmless
  assert.ok(!(a.admit(10) instanceof OverloadError));
  assert.ok(!(second instanceof OverloadError));
  assert.deepEqual(a.inFlight, { bytes: 20, requests: 2 });
});

test('bytes in flight: one request alone always fits; bytes arriving without a length are charged as they come', () => {
  const a = new Admission({ ...OFF, maxBytesInFlight: 100 });
  const big = a.admit(500);
  assert.ok(!(big instanceof OverloadError), 'a lone request larger than the limit is let in');
  assert.equal(reason(a.admit(1)), 'bytes_in_flight');
  big.release();
  const chunked = a.admit(0);
  const other = a.admit(60);
  assert.ok(!(chunked instanceof OverloadError) && !(other instanceof OverloadError));
  assert.equal(chunked.add(30), undefined);
  assert.equal(reason(chunked.add(30)), 'bytes_in_flight');
  other.release();
  chunked.release();
  assert.deepEqual(a.inFlight, { bytes: 0, requests: 0 });
});

test('a refusal is a retryable OverloadError with a message naming the flag', () => {
  const a = new Admission({ ...OFF, maxRequestsInFlight: 1 });
  a.admit(1);
  const r = a.admit(1);
  assert.ok(r instanceof OverloadError);
  assert.equal(r.retryAfterSeconds, 1);
  assert.match(r.message, /--ingest-max-requests/);
});

test('event loop lag: a loop blocked past the limit refuses at once, before the sampling timer fires', () => {
  const a = new Admission({ ...OFF, maxEventLoopDelayMs: 100 });
  a.start();
  try {
    const until = performance.now() + 300;
    while (performance.now() < until) {
      // hold the event loop, as a burst of decoding does
    }
    assert.equal(reason(a.admit(1)), 'event_loop_delay');
  } finally {
    a.stop();
  }
});

test('queue delay: refused while a new request would wait longer than the limit for the store', () => {
  let wait = 0;
  const a = new Admission({ ...OFF, maxQueueDelayMs: 3000 }, undefined, () => wait);
  assert.ok(!(a.admit(1) instanceof OverloadError));
  wait = 3500;
  assert.equal(reason(a.admit(1)), 'queue_delay');
});

test('memory limiter: refuses above the limit minus the spike headroom', () => {
  const a = new Admission({ ...OFF, memoryLimitBytes: 1, memorySpikeBytes: 0 });
  a.start();
  try {
    assert.equal(reason(a.admit(1)), 'memory_limit');
  } finally {
    a.stop();
  }
  const roomy = new Admission({ ...OFF, memoryLimitBytes: 64 * 1024 ** 3, memorySpikeBytes: 1024 ** 3 });
  roomy.start();
  try {
    assert.ok(!(roomy.admit(1) instanceof OverloadError));
  } finally {
    roomy.stop();
  }
});
