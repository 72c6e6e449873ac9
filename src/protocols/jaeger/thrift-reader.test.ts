import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { encodeBatch, encodeEmitBatch, sampleBatch } from '../../../test/jaeger/support/thrift-writer.ts';
import { PermanentError } from '../../component/errors.ts';
import { readEmitBatchMessage, readThriftBatch } from './thrift-reader.ts';
import { FIELDS, TType } from './thrift-types.ts';

for (const encoding of ['binary', 'compact'] as const) {
  test(`${encoding}: a Batch written by the thrift library reads back exactly, unknown fields skipped`, () => {
    const batch = sampleBatch(-1n, 0x0123456789abcdefn);
    const read = readThriftBatch(encodeBatch(batch, encoding), encoding);
    assert.deepEqual(read, batch);
  });

  test(`${encoding}: an emitBatch message reads back exactly`, () => {
    const batch = sampleBatch(0n, 42n);
    assert.deepEqual(readEmitBatchMessage(encodeEmitBatch(batch, encoding), encoding), batch);
  });

  test(`${encoding}: every truncation of a valid message is a PermanentError, never a crash`, () => {
    const buf = encodeEmitBatch(sampleBatch(0n, 42n), encoding);
    for (let n = 0; n < buf.length; n++) {
      assert.throws(() => readEmitBatchMessage(buf.subarray(0, n), encoding), PermanentError, `cut at ${n}`);
    }
  });

  test(`${encoding}: another method name is refused by name`, () => {
    const buf = encodeEmitBatch(sampleBatch(0n, 42n), encoding, 1, 'emitZipkinBatch');
    assert.throws(() => readEmitBatchMessage(buf, encoding), /emitZipkinBatch is not supported/);
  });

  test(`${encoding}: random bytes are refused with a PermanentError`, () => {
    let seed = 12345;
    for (let i = 0; i < 300; i++) {
      const len = 1 + (i % 97);
      const buf = Buffer.alloc(len);
      for (let j = 0; j < len; j++) buf[j] = (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
      try {
        readEmitBatchMessage(buf, encoding);
        readThriftBatch(buf, encoding);
      } catch (err) {
        assert.ok(err instanceof PermanentError, `unexpected ${String(err)}`);
      }
    }
  });
}

test('binary: a list declaring more elements than bytes left is refused before allocating', () => {
  // Batch { 2: list<struct> of 2^31-1 elements }
  const buf = Buffer.from([TType.LIST, 0, 2, TType.STRUCT, 0x7f, 0xff, 0xff, 0xff, 0]);
  assert.throws(() => readThriftBatch(buf, 'binary'), /Batch.spans list declares 2147483647 elements but only 1 bytes remain/);
});

test('binary: a negative string length is refused', () => {
  // Batch { 1: Process { 1: string of length -5 } }
  const buf = Buffer.from([TType.STRUCT, 0, 1, TType.STRING, 0, 1, 0xff, 0xff, 0xff, 0xfb]);
  assert.throws(() => readThriftBatch(buf, 'binary'), /Negative string size.*in Process/);
});

test('binary: a huge declared string length is refused as truncated', () => {
  const buf = Buffer.from([TType.STRUCT, 0, 1, TType.STRING, 0, 1, 0x7f, 0xff, 0xff, 0xff, 1, 2]);
  assert.throws(() => readThriftBatch(buf, 'binary'), /truncated data/);
});

test('binary: deeply nested unknown structs stop at the depth limit', () => {
  const depth = 10_000;
  const parts: number[] = [];
  for (let i = 0; i < depth; i++) parts.push(TType.STRUCT, 0, 50);
  for (let i = 0; i < depth; i++) parts.push(0);
  assert.throws(() => readThriftBatch(Buffer.from(parts), 'binary'), (err: unknown) => err instanceof PermanentError && /depth/i.test(err.message));
});

test('a Batch without process or spans is refused naming the field', () => {
  assert.throws(() => readThriftBatch(Buffer.from([0]), 'binary'), /Batch has no process \(field 1\)/);
});

test('the reader field IDs and types match jaeger.thrift', () => {
  const idl = readFileSync(new URL('./jaeger.thrift', import.meta.url), 'utf8');
  const typeOf: Record<string, number> = { string: TType.STRING, binary: TType.STRING, i32: TType.I32, i64: TType.I64, double: TType.DOUBLE, bool: TType.BOOL, TagType: TType.I32, SpanRefType: TType.I32, Process: TType.STRUCT, ClientStats: TType.STRUCT };
  for (const [struct, fields] of Object.entries(FIELDS)) {
    const body = new RegExp(`struct ${struct} \\{([^}]*)\\}`).exec(idl)?.[1];
    assert.ok(body, `jaeger.thrift declares struct ${struct}`);
    for (const [name, [id, type]] of Object.entries(fields)) {
      const m = new RegExp(`(\\d+):\\s*(?:required|optional)\\s+(\\S+)\\s+${name}\\b`).exec(body);
      assert.ok(m, `${struct}.${name} declared`);
      assert.equal(Number(m[1]), id, `${struct}.${name} field ID`);
      assert.equal(m[2]!.startsWith('list<') ? TType.LIST : typeOf[m[2]!], type, `${struct}.${name} type`);
    }
  }
});
