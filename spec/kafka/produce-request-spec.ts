import { expect } from 'chai';
import { randomBytes, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { CompressionTypes, Kafka as AppKafka, logLevel, type KafkaMessage } from 'kafkajs';
import { crc32c } from '../../lib/kafka/crc32c.ts';
import { privateKafkajs } from '../../lib/kafka/kafkajs.ts';
import { encodeProduceRequest, type ProduceMessage, type ProduceRequestArgs, type ProduceRequests } from '../../lib/kafka/produce-request.ts';
import { frameRequest } from '../../lib/kafka/request-frame.ts';
import { KafkaTestContext } from '../support/kafka-helpers.ts';

// The app's (stock) kafkajs modules, to compare bytes with.
const require = createRequire(import.meta.url);
type StockRequest = (args: ProduceRequestArgs) => { encode(): Promise<{ buffer: Buffer }> };
const stockProduceV3 = require('kafkajs/src/protocol/requests/produce/v3/request.js') as StockRequest;
const stockFrame = require('kafkajs/src/protocol/request.js') as typeof frameRequest;
const stockCrc32c = require('kafkajs/src/protocol/recordBatch/crc32C/index.js') as (buffer: Buffer) => number;
const Long = require('kafkajs/src/utils/long.js') as { fromString(value: string): unknown };
const Encoder = require('kafkajs/src/protocol/encoder.js') as new () => { writeBuffer(bytes: Buffer): { buffer: Buffer } };

const NOW = 1_700_000_000_000;

// Timestamps of one digit count, the smallest first: kafkajs finds a batch's first timestamp by
// sorting them as strings, which agrees with the numeric order only then.
const messages = (count: number, extra: (i: number) => Partial<ProduceMessage> = () => ({})): ProduceMessage[] =>
  Array.from({ length: count }, (_, i) => ({ key: `k${i}`, value: Buffer.from(`value ${i}`), timestamp: String(NOW + i * 7), ...extra(i) }));

const stockBytes = async (args: ProduceRequestArgs): Promise<Buffer> => (await stockProduceV3(args).encode()).buffer;

describe('produce request encoding (lib/kafka/produce-request.ts)', () => {
  it("writes the bytes kafkajs' own encoder writes: topics, partitions, keys and values as strings or Buffers, nulls, headers", async () => {
    const args: ProduceRequestArgs = {
      acks: -1,
      timeout: 30_000,
      topicData: [
        {
          topic: 'orders',
          partitions: [
            { partition: 0, messages: messages(300) },
            {
              partition: 3,
              messages: messages(5, (i) => ({
                key: i === 0 ? null : Buffer.from([i, 0, 255]),
                value: i === 1 ? null : 'a string value, ünïcode',
                headers: i === 2 ? { trace: 'abc', bin: Buffer.from([1, 2]), many: ['x', Buffer.from('y')] } : {},
              })),
            },
          ],
        },
        { topic: 'deliveries-ü', partitions: [{ partition: 1, messages: messages(1, () => ({ value: randomBytes(20_000) })) }] },
      ],
    };
    expect(encodeProduceRequest(args, NOW)).to.deep.equal(await stockBytes(args));
  });

  it('writes transactional batches as kafkajs does: transactional id and attribute, producer id and epoch, first sequence per partition', async () => {
    const args: ProduceRequestArgs = {
      acks: -1,
      timeout: 5000,
      transactionalId: 'app-0_1',
      producerId: Long.fromString('4000000123'),
      producerEpoch: 7,
      topicData: [
        {
          topic: 'out',
          partitions: [
            { partition: 0, firstSequence: 12_345, messages: messages(10) },
            { partition: 1, firstSequence: 0, messages: messages(3) },
          ],
        },
      ],
    };
    expect(encodeProduceRequest(args, NOW)).to.deep.equal(await stockBytes(args));
  });

  it('writes timestamp deltas past 2^31 ms as varlongs, as kafkajs does', async () => {
    const spread = [1_000_000_000_000, 1_000_000_000_001, 1_999_999_999_999, 1_500_000_000_000];
    const args: ProduceRequestArgs = {
      acks: 1,
      timeout: 1000,
      topicData: [{ topic: 't', partitions: [{ partition: 0, messages: spread.map((t) => ({ key: null, value: 'v', timestamp: String(t) })) }] }],
    };
    expect(encodeProduceRequest(args, NOW)).to.deep.equal(await stockBytes(args));
  });

  it('is what the private kafkajs sends for uncompressed v3-v7 produce requests, with their versions; compressed ones stay with kafkajs', async () => {
    const produce = privateKafkajs().module('kafkajs/src/protocol/requests/produce/index.js') as ProduceRequests;
    // kafkajs would take '1000' as the first timestamp (sorting strings) and write a negative delta.
    const args: ProduceRequestArgs = {
      acks: -1,
      timeout: 1000,
      topicData: [{ topic: 't', partitions: [{ partition: 0, messages: ['999', '1000'].map((timestamp) => ({ value: 'v', timestamp })) }] }],
    };
    const ours = encodeProduceRequest(args, NOW);
    expect(ours).not.to.deep.equal(await stockBytes(args));
    for (const version of [3, 5, 7]) {
      const { request, response } = produce.protocol({ version })!(args);
      expect(request.apiVersion).to.equal(version);
      expect((await request.encode()).buffer).to.deep.equal(ours);
      expect(response).to.have.property('parse');
    }
    const gzip = { ...args, compression: CompressionTypes.GZIP };
    expect((await produce.protocol({ version: 7 })!(gzip).request.encode()).buffer).to.deep.equal(await stockBytes(gzip));
  });

  it('names the topic, partition and value of a timestamp that is not a whole number of ms, and is not retried', () => {
    const args: ProduceRequestArgs = {
      acks: -1,
      timeout: 1000,
      topicData: [{ topic: 'orders', partitions: [{ partition: 2, messages: [{ value: 'v', timestamp: 'soon' }] }] }],
    };
    expect(() => encodeProduceRequest(args, NOW))
      .to.throw(TypeError, "Cannot produce to orders-2: a message's timestamp soon is not a whole number of ms")
      .with.property('retriable', false);
  });

  it("frames every request as kafkajs' protocol/request.js does", async () => {
    const body = new Encoder().writeBuffer(randomBytes(1000));
    const request = { apiKey: 0, apiVersion: 7, encode: async () => body };
    for (const clientId of ['app-1-StreamThread-1', 'ü', null]) {
      const ours = await frameRequest({ correlationId: 123_456, clientId, request });
      const stock = await stockFrame({ correlationId: 123_456, clientId, request });
      expect(ours.buffer).to.deep.equal(stock.buffer);
    }
  });

  it("computes kafkajs' CRC32C over any range of bytes", () => {
    expect(crc32c(Buffer.from('123456789'))).to.equal(0xe3069283);
    for (const length of [0, 1, 7, 8, 9, 63, 64, 65, 10_001]) {
      const bytes = randomBytes(length + 6);
      expect(crc32c(bytes, 3, length + 3), `length ${length}`).to.equal(stockCrc32c(bytes.subarray(3, length + 3)));
    }
  });

  describe('on the broker', function () {
    this.timeout(60_000);
    let context: KafkaTestContext;
    beforeEach(async () => (context = await KafkaTestContext.create()));
    afterEach(() => context.close());

    // Read back with the app's stock kafkajs, which checks each batch's CRC32C as the broker did.
    async function readBack(topic: string, count: number): Promise<KafkaMessage[]> {
      const kafka = new AppKafka({ clientId: `reader-${context.id}`, brokers: context.brokers, logLevel: logLevel.NOTHING });
      const consumer = kafka.consumer({ groupId: `reader-${randomUUID()}`, maxWaitTimeInMs: 100 });
      const read: KafkaMessage[] = [];
      await consumer.connect();
      try {
        await consumer.subscribe({ topics: [topic], fromBeginning: true });
        await consumer.run({ eachMessage: async ({ message }) => void read.push(message) });
        const deadline = Date.now() + 30_000;
        while (read.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      } finally {
        await consumer.disconnect();
      }
      return read;
    }

    it('takes every record as sent, timestamps out of order and of different lengths included, in and out of transactions', async () => {
      const topic = context.name('produce-encoding');
      await context.createTopic(topic);
      const sent = [
        { key: 'a', value: 'first', timestamp: '999' },
        { key: null, value: Buffer.from([0, 1, 2]), timestamp: '1000' },
        { key: 'c', value: null, timestamp: '5', headers: { h: 'v', list: ['1', '2'] } },
        { key: 'd', value: 'now' },
      ];
      const producer = await context.producer();
      await producer.send({ topic, messages: sent, acks: -1 });
      const transactional = context.kafka.producer({ transactionalId: context.name('tx'), idempotent: true, maxInFlightRequests: 1 });
      await transactional.connect();
      try {
        const transaction = await transactional.transaction();
        await transaction.send({ topic, messages: [{ key: 'e', value: 'in a transaction', timestamp: '1700000000000' }], acks: -1 });
        await transaction.commit();
      } finally {
        await transactional.disconnect();
      }
      await producer.send({ topic, messages: [{ key: 'f', value: 'gzip', timestamp: '42' }], acks: -1, compression: CompressionTypes.GZIP });

      const read = await readBack(topic, 6);
      expect(read.map((m) => [m.key?.toString() ?? null, m.value === null ? null : m.value.toString('hex')])).to.deep.equal([
        ['a', Buffer.from('first').toString('hex')],
        [null, '000102'],
        ['c', null],
        ['d', Buffer.from('now').toString('hex')],
        ['e', Buffer.from('in a transaction').toString('hex')],
        ['f', Buffer.from('gzip').toString('hex')],
      ]);
      expect(read.slice(0, 3).map((m) => m.timestamp)).to.deep.equal(['999', '1000', '5']);
      expect(Math.abs(Number(read[3]!.timestamp) - Date.now())).to.be.below(60_000);
      expect([read[4]!.timestamp, read[5]!.timestamp]).to.deep.equal(['1700000000000', '42']);
      expect(read[2]!.headers).to.deep.equal({ h: Buffer.from('v'), list: [Buffer.from('1'), Buffer.from('2')] });
      expect(privateKafkajs().module('kafkajs/src/protocol/request.js')).to.equal(frameRequest);
    });
  });
});
