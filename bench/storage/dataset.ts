/**
 * The storage benchmark's load: the shop traffic of bench/data/generator.ts,
 * encoded once as OTLP/HTTP protobuf request bodies and cached in a file, so
 * that every peer gets the same bytes and the sender spends no CPU generating
 * while a server is measured (generating 10M spans takes minutes on 2 cores).
 *
 * File layout: a JSON header line (the parameters and the query targets), then
 * records of [u32 body length][u32 span count][body], little-endian.
 */
import { closeSync, existsSync, mkdirSync, openSync, readSync, renameSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encodeTracesData } from '../../src/protocols/otlp/proto-encoder.ts';
import type { Span } from '../../src/model/span.ts';
import { ShopTraffic } from '../data/generator.ts';

/** A trace the queries look up, with the attribute values its spans carry. */
export interface TraceTarget {
  traceId: string;
  spans: number;
  /** Spans stored before this trace is complete: usable once that many were sent. */
  completeAfter: number;
  user: string;
  /** A product this trace's product-catalog span carries ('' if none). */
  product: string;
  /** rpc.method on that same span. */
  productMethod: string;
}

export interface DatasetHeader {
  version: 1;
  seed: number;
  spans: number;
  batch: number;
  /** Traces sampled every `sampleEvery` traces. */
  targets: TraceTarget[];
}

const SAMPLE_EVERY = 997;

export function datasetPath(seed: number, spans: number, batch: number): string {
  const dir = path.join(os.tmpdir(), 'waymark-bench');
  mkdirSync(dir, { recursive: true });
  return path.join(dir, `shop-seed${seed}-spans${spans}-batch${batch}.otlp`);
}

/** Builds the cached file if it is missing; returns its path. */
export function ensureDataset(seed: number, spans: number, batch: number, log: (s: string) => void): string {
  const file = datasetPath(seed, spans, batch);
  if (existsSync(file)) return file;
  log(`generating ${spans} spans (seed ${seed}, batches of ${batch}) into ${file} ...`);
  const t0 = Date.now();
  const tmp = `${file}.partial-${process.pid}`;
  const traffic = new ShopTraffic({ seed });
  const targets: TraceTarget[] = [];
  const fd = openSync(tmp, 'w');
  // Reserve room for the header; it is rewritten at the end with the targets.
  const headerRoom = 1 << 20;
  writeSync(fd, Buffer.alloc(headerRoom, 0x20), 0, headerRoom, 0);
  let pos = headerRoom;
  let pending: Span[] = [];
  let produced = 0;
  let sent = 0;
  let traces = 0;
  while (sent < spans) {
    while (pending.length < batch && produced < spans) {
      const trace = traffic.trace();
      traces++;
      produced += trace.length;
      if (traces % SAMPLE_EVERY === 0) targets.push(targetOf(trace, produced));
      for (const s of trace) pending.push(s);
    }
    const n = Math.min(batch, spans - sent, pending.length);
    const body = encodeTracesData(pending.slice(0, n));
    pending = pending.slice(n);
    const head = Buffer.alloc(8);
    head.writeUInt32LE(body.length, 0);
    head.writeUInt32LE(n, 4);
    writeSync(fd, head, 0, 8, pos);
    writeSync(fd, body, 0, body.length, pos + 8);
    pos += 8 + body.length;
    sent += n;
    if (sent % 1_000_000 < batch) log(`  ${sent} spans, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
  const header: DatasetHeader = { version: 1, seed, spans, batch, targets: targets.filter((t) => t.completeAfter <= spans) };
  const json = Buffer.from(JSON.stringify(header) + '\n');
  if (json.length > headerRoom) throw new Error(`dataset header too large (${json.length} bytes)`);
  writeSync(fd, json, 0, json.length, 0);
  closeSync(fd);
  renameSync(tmp, file);
  log(`dataset ready in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return file;
}

function targetOf(trace: Span[], produced: number): TraceTarget {
  const attr = (s: Span, key: string): string => {
    const a = s.attributes.find((x) => x.key === key);
    return a === undefined ? '' : String(a.value);
  };
  const catalog = trace.find((s) => s.resource.serviceName === 'product-catalog' && attr(s, 'app.product.id') !== '');
  return {
    traceId: trace[0]!.traceId,
    spans: trace.length,
    completeAfter: produced,
    user: attr(trace[0]!, 'app.user.id'),
    product: catalog === undefined ? '' : attr(catalog, 'app.product.id'),
    productMethod: catalog === undefined ? '' : attr(catalog, 'rpc.method'),
  };
}

/** One request body and the spans it holds. */
export interface Batch {
  body: Buffer;
  spans: number;
}

/** Reads the cached batches in order; one cursor per peer. */
export class DatasetReader {
  readonly header: DatasetHeader;
  private readonly fd: number;
  private pos: number;
  /** Spans handed out so far. */
  taken = 0;

  constructor(file: string) {
    this.fd = openSync(file, 'r');
    const first = Buffer.alloc(1 << 20);
    readSync(this.fd, first, 0, first.length, 0);
    const nl = first.indexOf(0x0a);
    this.header = JSON.parse(first.subarray(0, nl).toString()) as DatasetHeader;
    this.pos = 1 << 20;
  }

  /** The next batch, or undefined at the end of the file. */
  next(): Batch | undefined {
    if (this.taken >= this.header.spans) return undefined;
    const head = Buffer.alloc(8);
    if (readSync(this.fd, head, 0, 8, this.pos) < 8) return undefined;
    const len = head.readUInt32LE(0);
    const spans = head.readUInt32LE(4);
    const body = Buffer.allocUnsafe(len);
    readSync(this.fd, body, 0, len, this.pos + 8);
    this.pos += 8 + len;
    this.taken += spans;
    return { body, spans };
  }

  close(): void {
    closeSync(this.fd);
  }
}
