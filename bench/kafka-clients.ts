/**
 * Kafka producer clients for Node, compared on one real Kafka 4 broker (test/engines/kafka).
 *
 * Each run is a fresh Node process producing `--messages` values of `--size` bytes to a fresh
 * topic with acks=all, in sends of `--batch` messages with `--inflight` sends outstanding, after
 * a warm-up of 2,000 messages. It prints messages/s, MB/s, the client process's CPU seconds
 * (user+system) and the broker's, and checks the topic's end offsets add up to what was sent.
 * A first round of every client is not counted: it warms the broker's JIT, which otherwise
 * makes whichever client runs first look slow.
 *
 *   node bench/kafka-clients.ts --messages 50000 --size 2048 --batch 100 --inflight 4 --runs 3
 */
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Admin, ProduceAcks, Producer } from '@platformatic/kafka';
import { Kafka, logLevel } from 'kafkajs';
import { startKafka } from '../test/engines/kafka.ts';
import { cpuSeconds } from './storage/proc.ts';

const CLIENTS = ['@platformatic/kafka', 'kafkajs'] as const;
type ClientName = (typeof CLIENTS)[number];

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '50000' },
    size: { type: 'string', default: '2048' },
    batch: { type: 'string', default: '100' },
    inflight: { type: 'string', default: '4' },
    partitions: { type: 'string', default: '1' },
    runs: { type: 'string', default: '3' },
    // Internal: one measured run in a child process.
    client: { type: 'string' },
    brokers: { type: 'string' },
    topic: { type: 'string' },
  },
});
const messages = Number(values.messages);
const size = Number(values.size);
const batch = Number(values.batch);
const inflight = Number(values.inflight);
const WARMUP = 2_000;

interface RunResult {
  client: ClientName;
  seconds: number;
  cpuSeconds: number;
}

if (values.client) {
  const result = await produceRun(values.client as ClientName, values.brokers!.split(','), values.topic!);
  console.log(JSON.stringify(result));
} else {
  await drive();
}

/** Starts the broker, then runs every client `--runs` times, alternating, each in a fresh process. */
async function drive(): Promise<void> {
  console.log(`${messages} messages of ${size} B, sends of ${batch}, ${inflight} in flight, acks=all, ${values.partitions} partition(s)`);
  const kafka = await startKafka({ heap: '1g', fullJit: true });
  const admin = new Admin({ clientId: 'bench-admin', bootstrapBrokers: kafka.brokers });
  const results = new Map<ClientName, (RunResult & { brokerCpuSeconds: number })[]>(CLIENTS.map((c) => [c, []]));
  try {
    for (let run = 0; run <= Number(values.runs); run++) {
      for (const client of CLIENTS) {
        const topic = `bench-${randomUUID()}`;
        await admin.createTopics({ topics: [topic], partitions: Number(values.partitions), replicas: 1 });
        const broker0 = cpuSeconds(kafka.pid);
        const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), ...passThroughArgs(), '--client', client, '--brokers', kafka.brokers.join(','), '--topic', topic], { encoding: 'utf8', maxBuffer: 16 << 20 });
        const brokerCpuSeconds = cpuSeconds(kafka.pid) - broker0;
        const result = JSON.parse(out.trim().split('\n').at(-1)!) as RunResult;
        const offsets = await admin.listOffsets({ topics: [{ name: topic, partitions: Array.from({ length: Number(values.partitions) }, (_, i) => ({ partitionIndex: i, timestamp: -1n })) }] });
        const stored = offsets[0]!.partitions.reduce((sum, p) => sum + Number(p.offset), 0);
        if (stored !== messages + WARMUP) throw new Error(`${client}: the topic holds ${stored} messages, ${messages + WARMUP} were acknowledged`);
        if (run > 0) results.get(client)!.push({ ...result, brokerCpuSeconds });
        console.log(`${run === 0 ? 'warm-up' : `run ${run}`} ${client}: ${(messages / result.seconds).toFixed(0)} msg/s, client CPU ${result.cpuSeconds.toFixed(2)} s, broker CPU ${brokerCpuSeconds.toFixed(2)} s`);
      }
    }
  } finally {
    await admin.close();
    await kafka.stop();
  }
  console.log('\n| client | messages/s (median) | MB/s | client CPU-s | broker CPU-s |\n|---|---|---|---|---|');
  for (const [client, runs] of results) {
    const mid = runs.sort((a, b) => a.seconds - b.seconds)[Math.floor(runs.length / 2)]!;
    const rate = messages / mid.seconds;
    console.log(`| ${client} | ${rate.toFixed(0)} | ${((rate * size) / 1e6).toFixed(1)} | ${mid.cpuSeconds.toFixed(2)} | ${mid.brokerCpuSeconds.toFixed(2)} |`);
  }
}

function passThroughArgs(): string[] {
  return ['messages', 'size', 'batch', 'inflight'].flatMap((k) => [`--${k}`, String(values[k as keyof typeof values])]);
}

/** Produces the warm-up and then the measured messages; returns the measured part's wall and CPU time. */
async function produceRun(client: ClientName, brokers: string[], topic: string): Promise<RunResult> {
  // Distinct values, so no layer can get away with sending one buffer many times.
  const values = Array.from({ length: batch }, () => randomBytes(size));
  const send = await connect(client, brokers, topic);
  const produce = async (count: number) => {
    let next = 0;
    await Promise.all(Array.from({ length: inflight }, async () => {
      while (next < count) {
        const n = Math.min(batch, count - next);
        next += n;
        await send.batch(values.slice(0, n));
      }
    }));
  };
  await produce(WARMUP);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await produce(messages);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await send.close();
  return { client, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

interface Sender {
  batch(values: Buffer[]): Promise<void>;
  close(): Promise<void>;
}

async function connect(client: ClientName, brokers: string[], topic: string): Promise<Sender> {
  if (client === '@platformatic/kafka') {
    const producer = new Producer({ clientId: 'bench', bootstrapBrokers: brokers });
    return {
      // acks on each send: this client's Producer-level `acks` option is not applied to sends.
      batch: async (vs) => void (await producer.send({ acks: ProduceAcks.ALL, messages: vs.map((value) => ({ topic, value })) })),
      close: () => producer.close(),
    };
  }
  const kafka = new Kafka({ clientId: 'bench', brokers, logLevel: logLevel.ERROR });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  return {
    batch: async (vs) => void (await producer.send({ topic, acks: -1, messages: vs.map((value) => ({ value })) })),
    close: () => producer.disconnect(),
  };
}
