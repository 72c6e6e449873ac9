import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { Client } from '@opensearch-project/opensearch';
import { Admin, Consumer, MessagesStreamModes, ProduceAcks, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka';
import { startElasticsearch } from './elasticsearch.ts';
import { startKafka } from './kafka.ts';
import { startOpenSearch } from './opensearch.ts';

// The first run on a machine builds the launchers and downloads their jars (163 MB from
// Maven Central); a busy machine can take minutes for that and for the start.
const ENGINE_TEST_TIMEOUT = 15 * 60_000;

test('a real OpenSearch node indexes a document and finds it', { timeout: ENGINE_TEST_TIMEOUT }, async () => {
  const opensearch = await startOpenSearch();
  try {
    const client = new Client({ node: opensearch.url });
    const index = `smoke-${randomUUID()}`;
    await client.indices.create({
      index,
      body: {
        settings: { number_of_shards: 1, number_of_replicas: 0 },
        mappings: { properties: { service: { type: 'keyword' }, durationUs: { type: 'long' } } },
      },
    });
    await client.index({ index, id: 'span-1', body: { service: 'frontend', durationUs: 1234 } });
    await client.indices.refresh({ index });
    const found = await client.search({ index, body: { query: { term: { service: 'frontend' } } } });
    assert.deepEqual(
      found.body.hits.hits.map((hit) => [hit._id, hit._source]),
      [['span-1', { service: 'frontend', durationUs: 1234 }]],
    );
    const none = await client.search({ index, body: { query: { term: { service: 'backend' } } } });
    assert.equal(none.body.hits.hits.length, 0);
    await client.close();
  } finally {
    await opensearch.stop();
  }
});

test('a real Elasticsearch 7.17 node indexes a document and finds it', { timeout: ENGINE_TEST_TIMEOUT }, async () => {
  const elasticsearch = await startElasticsearch();
  // Plain HTTP: the project has no Elasticsearch client yet, and these four calls are the whole API used.
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${elasticsearch.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = (await res.json()) as Record<string, unknown>;
    assert.ok(res.ok, `${method} ${path} answered ${res.status}: ${JSON.stringify(json)}`);
    return json;
  };
  try {
    const index = `smoke-${randomUUID()}`;
    await call('PUT', `/${index}`, {
      settings: { number_of_shards: 1, number_of_replicas: 0 },
      mappings: { properties: { service: { type: 'keyword' }, durationUs: { type: 'long' } } },
    });
    await call('PUT', `/${index}/_doc/span-1`, { service: 'frontend', durationUs: 1234 });
    await call('POST', `/${index}/_refresh`);
    const found = (await call('POST', `/${index}/_search`, { query: { term: { service: 'frontend' } } })) as {
      hits: { hits: { _id: string; _source: unknown }[] };
    };
    assert.deepEqual(
      found.hits.hits.map((hit) => [hit._id, hit._source]),
      [['span-1', { service: 'frontend', durationUs: 1234 }]],
    );
  } finally {
    await elasticsearch.stop();
  }
});

test('a real Kafka broker takes a message with acks=all and hands it to a consumer', { timeout: ENGINE_TEST_TIMEOUT }, async () => {
  const kafka = await startKafka();
  const topic = `smoke-${randomUUID()}`;
  // The client's defaults (5 s per request, 3 retries) give up while a busy machine's broker is
  // still loading its group coordinator.
  const patient = { bootstrapBrokers: kafka.brokers, timeout: 60_000, retries: 30, retryDelay: 1000 };
  const admin = new Admin({ clientId: 'smoke-admin', ...patient });
  const producer = new Producer({ clientId: 'smoke-producer', ...patient, serializers: stringSerializers });
  const consumer = new Consumer({ groupId: `smoke-${randomUUID()}`, clientId: 'smoke-consumer', ...patient, deserializers: stringDeserializers });
  try {
    await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
    // acks per send: @platformatic/kafka 2.12 ignores the Producer's own `acks` option and sends acks=1.
    const sent = await producer.send({ acks: ProduceAcks.ALL, messages: [{ topic, key: 'trace-1', value: 'span batch 1', headers: { format: 'otlp' } }] });
    assert.equal(sent.offsets?.[0]?.offset, 0n);

    const stream = await consumer.consume({ topics: [topic], mode: MessagesStreamModes.EARLIEST, autocommit: false });
    let received: { key: string; value: string; offset: bigint; headers: [string, string][] } | undefined;
    for await (const message of stream) {
      received = { key: message.key, value: message.value, offset: message.offset, headers: [...message.headers.entries()] };
      break;
    }
    await stream.close();
    assert.deepEqual(received, { key: 'trace-1', value: 'span batch 1', offset: 0n, headers: [['format', 'otlp']] });
  } finally {
    await Promise.allSettled([consumer.close(true), producer.close(true), admin.close()]);
    await kafka.stop();
  }
});
