import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { Client } from '@opensearch-project/opensearch';
import { Admin, Consumer, MessagesStreamModes, ProduceAcks, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka';
import { startKafka } from './kafka.ts';
import { startOpenSearch } from './opensearch.ts';

// The first run on a machine builds the launchers and downloads their jars (about 130 MB from
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

test('a real Kafka broker takes a message with acks=all and hands it to a consumer', { timeout: ENGINE_TEST_TIMEOUT }, async () => {
  const kafka = await startKafka();
  const topic = `smoke-${randomUUID()}`;
  const admin = new Admin({ clientId: 'smoke-admin', bootstrapBrokers: kafka.brokers });
  const producer = new Producer({ clientId: 'smoke-producer', bootstrapBrokers: kafka.brokers, serializers: stringSerializers });
  const consumer = new Consumer({ groupId: `smoke-${randomUUID()}`, clientId: 'smoke-consumer', bootstrapBrokers: kafka.brokers, deserializers: stringDeserializers });
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
