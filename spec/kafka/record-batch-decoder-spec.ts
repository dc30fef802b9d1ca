import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Consumer } from 'kafkajs';
import { privateKafkajs } from '../../lib/kafka/kafkajs.ts';
import { decodeRecordBatch } from '../../lib/kafka/record-batch-decoder.ts';
import { KafkaTestContext, waitFor } from '../support/kafka-helpers.ts';

// Stock kafkajs (the app's copy, untouched by the library) decodes the same bytes: every field
// of every record and batch must come out the same.
const stock = createRequire(import.meta.url);
const StockDecoder = stock('kafkajs/src/protocol/decoder.js');
const stockDecodeRecordBatch = stock('kafkajs/src/protocol/recordBatch/v0/decoder.js');
const { RecordBatch: encodeRecordBatch } = stock('kafkajs/src/protocol/recordBatch/v0/index.js');
const encodeRecord = stock('kafkajs/src/protocol/recordBatch/record/v0/index.js');
const { Types: Compression } = stock('kafkajs/src/protocol/message/compression/index.js');

interface TestRecord {
  offsetDelta: number;
  timestampDelta?: number | bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, Buffer | null | (Buffer | null)[]>;
}

interface BatchOptions {
  firstOffset?: bigint;
  firstTimestamp?: bigint;
  compression?: number;
  transactional?: boolean;
  /** Attribute bits set in the encoded batch (control batch 0x20, log-append time 0x08). */
  extraAttributes?: number;
  records: TestRecord[];
}

async function encodeBatch(options: BatchOptions): Promise<Buffer> {
  const Long = stock('kafkajs/src/utils/long.js');
  const encoder = await encodeRecordBatch({
    compression: options.compression ?? Compression.None,
    firstOffset: Long.fromValue(options.firstOffset ?? 0n),
    firstTimestamp: Long.fromValue(options.firstTimestamp ?? 1_700_000_000_000n),
    maxTimestamp: Long.fromValue((options.firstTimestamp ?? 1_700_000_000_000n) + 99n),
    lastOffsetDelta: options.records.length - 1,
    transactional: options.transactional ?? false,
    producerId: Long.fromValue(options.transactional ? 4242n : -1n),
    producerEpoch: options.transactional ? 3 : 0,
    firstSequence: 7,
    partitionLeaderEpoch: 5,
    records: options.records.map((record) => encodeRecord({ ...record, timestampDelta: record.timestampDelta ?? 0 })),
  });
  const buffer: Buffer = encoder.buffer;
  // The attributes' low byte: after first offset (8), length (4), leader epoch (4), magic (1), CRC (4), high byte (1).
  if (options.extraAttributes) buffer[22] |= options.extraAttributes;
  return buffer;
}

async function expectSameAsStock(bytes: Buffer): Promise<unknown[]> {
  const stockDecoder = new StockDecoder(bytes);
  const ours = { buffer: bytes, offset: 0 };
  const expected = await stockDecodeRecordBatch(stockDecoder);
  const actual = await decodeRecordBatch(ours);
  expect(actual).to.deep.equal(expected);
  expect(Object.keys(actual)).to.deep.equal(Object.keys(expected));
  actual.records.forEach((record, i) => {
    expect(Object.keys(record)).to.deep.equal(Object.keys(expected.records[i]));
    expect(Object.keys(record.batchContext)).to.deep.equal(Object.keys(expected.records[i].batchContext));
    expect(Object.keys(record.headers)).to.deep.equal(Object.keys(expected.records[i].headers));
  });
  expect(ours.offset).to.equal(stockDecoder.offset);
  return actual.records;
}

const bytes = (text: string): Buffer => Buffer.from(text);
const plainRecords = (count: number): TestRecord[] =>
  Array.from({ length: count }, (_, i) => ({ offsetDelta: i, timestampDelta: i * 3, key: bytes(`key-${i}`), value: bytes(`value-${i}`.repeat(i % 5)) }));

describe('decodeRecordBatch (kafkajs record batches decoded in place)', () => {
  before(() => privateKafkajs());

  it('is the decoder the private kafkajs copy fetches with', () => {
    expect(privateKafkajs().module('kafkajs/src/protocol/recordBatch/v0/decoder.js')).to.equal(decodeRecordBatch);
  });

  it('decodes plain records as kafkajs does: offsets and timestamps as strings, keys and values as Buffers', async () => {
    const records = await expectSameAsStock(await encodeBatch({ firstOffset: 1234n, records: plainRecords(300) }));
    expect(records).to.have.length(300);
  });

  it('decodes null and empty keys and values', async () => {
    await expectSameAsStock(
      await encodeBatch({
        records: [
          { offsetDelta: 0, key: null, value: bytes('v') },
          { offsetDelta: 1, key: bytes('k'), value: null },
          { offsetDelta: 2, key: Buffer.alloc(0), value: Buffer.alloc(0) },
          { offsetDelta: 3, key: null, value: null },
        ],
      }),
    );
  });

  it('decodes headers: repeated keys as arrays in order, empty values, keys that name Object properties', async () => {
    await expectSameAsStock(
      await encodeBatch({
        records: [
          { offsetDelta: 0, key: bytes('a'), value: bytes('b'), headers: { one: bytes('1'), ключ: bytes('значение') } },
          { offsetDelta: 1, key: bytes('a'), value: bytes('b'), headers: { twice: [bytes('x'), bytes('y'), bytes('z')], empty: Buffer.alloc(0) } },
          { offsetDelta: 2, key: bytes('a'), value: bytes('b'), headers: { toString: bytes('t'), constructor: [bytes('c1'), bytes('c2')] } },
        ],
      }),
    );
  });

  it('keeps offsets and timestamps exact past 2^53 and with negative timestamp deltas', async () => {
    const records = (await expectSameAsStock(
      await encodeBatch({
        firstOffset: 2n ** 60n + 5n,
        firstTimestamp: 2n ** 55n,
        records: [
          { offsetDelta: 0, timestampDelta: -1_000_000, key: bytes('a'), value: bytes('b') },
          { offsetDelta: 70_000, timestampDelta: 2n ** 50n + 1n, key: bytes('a'), value: bytes('b') },
        ],
      }),
    )) as { offset: string; timestamp: string }[];
    expect(records.map((r) => r.offset)).to.deep.equal([String(2n ** 60n + 5n), String(2n ** 60n + 70_005n)]);
    expect(records[1]!.timestamp).to.equal(String(2n ** 55n + 2n ** 50n + 1n));
    await expectSameAsStock(
      await encodeBatch({
        firstOffset: 2n ** 53n - 2n,
        firstTimestamp: -1n,
        records: [0, 1, 2].map((i) => ({ offsetDelta: i, timestampDelta: i, key: null, value: null })),
      }),
    );
  });

  it('gives log-append-time batches their max timestamp', async () => {
    await expectSameAsStock(await encodeBatch({ extraAttributes: 0x08, records: plainRecords(3) }));
  });

  it('marks transactional batches and control records (transaction markers)', async () => {
    await expectSameAsStock(await encodeBatch({ transactional: true, records: plainRecords(4) }));
    const [marker] = (await expectSameAsStock(
      await encodeBatch({
        transactional: true,
        extraAttributes: 0x20,
        records: [{ offsetDelta: 0, key: Buffer.from([0, 0, 0, 0]), value: Buffer.from([0, 0, 0, 0, 0, 1]) }],
      }),
    )) as { isControlRecord: boolean }[];
    expect(marker!.isControlRecord).to.equal(true);
  });

  it("decompresses compressed batches with the private copy's codecs", async () => {
    const records = await expectSameAsStock(await encodeBatch({ compression: Compression.GZIP, records: plainRecords(500) }));
    expect(records).to.have.length(500);
  });

  it('fails a batch cut short by the fetch size with the partial-message error, after which kafkajs stops reading', async () => {
    const whole = await encodeBatch({ records: plainRecords(50) });
    const cut = whole.subarray(0, whole.length - 10);
    const stockError = await stockDecodeRecordBatch(new StockDecoder(cut)).catch((error: Error) => error);
    const error = await decodeRecordBatch({ buffer: cut, offset: 0 }).catch((error: Error) => error);
    expect(error).to.be.instanceOf(privateKafkajs().exports.KafkaJSPartialMessageError);
    expect((error as Error).name).to.equal(stockError.name);
    expect((error as Error).message).to.equal(stockError.message);
  });

  describe('on the broker', function () {
    this.timeout(90_000);
    let context: KafkaTestContext;
    const consumers: Consumer[] = [];

    beforeEach(async () => {
      context = await KafkaTestContext.create();
    });

    afterEach(async () => {
      await Promise.allSettled(consumers.splice(0).map((consumer) => consumer.disconnect()));
      await context.close();
    });

    it('decodes every fetch response as stock kafkajs does: plain, headers, nulls, gzip, committed and aborted transactions', async () => {
      const topic = context.name('decoder');
      await context.createTopic(topic);
      await context.produce(topic, [
        { key: 'a', value: 'plain' },
        { key: null, value: 'null key', headers: { h: 'one', twice: ['x', 'y'] } },
        { key: 'tombstone', value: null },
      ]);
      const producer = await context.producer();
      await producer.send({
        topic,
        compression: privateKafkajs().exports.CompressionTypes.GZIP,
        messages: Array.from({ length: 200 }, (_, i) => ({ key: `gz-${i}`, value: `compressed ${i}` })),
      });
      const transactional = context.kafka.producer({ transactionalId: `decoder-${randomUUID()}`, idempotent: true, maxInFlightRequests: 1 });
      await transactional.connect();
      try {
        const aborted = await transactional.transaction();
        await aborted.send({
          topic,
          messages: [
            { key: 'x', value: 'aborted 1' },
            { key: 'y', value: 'aborted 2' },
          ],
        });
        await aborted.abort();
        const committed = await transactional.transaction();
        await committed.send({ topic, messages: [{ key: 'z', value: 'committed', headers: { tx: 'yes' } }] });
        await committed.commit();
      } finally {
        await transactional.disconnect();
      }

      // Every raw fetch response the private copy decodes is decoded again by stock kafkajs.
      type Built = { response: { decode: (raw: Buffer) => Promise<unknown> } };
      const fetchRequests = privateKafkajs().module('kafkajs/src/protocol/requests/fetch/index.js') as {
        protocol: (options: { version: number }) => (args: unknown) => Built;
      };
      const responses: { raw: Buffer; version: number; decoded: unknown }[] = [];
      const protocol = fetchRequests.protocol;
      fetchRequests.protocol = ({ version }) => {
        const make = protocol({ version });
        return (args) => {
          const built = make(args);
          const decode = async (raw: Buffer) => {
            const decoded = await built.response.decode(raw);
            responses.push({ raw, version, decoded });
            return decoded;
          };
          return { ...built, response: { ...built.response, decode } };
        };
      };
      const restore = [() => (fetchRequests.protocol = protocol)];
      try {
        const values: string[] = [];
        const consumer = context.kafka.consumer({ groupId: `decoder-${randomUUID()}`, maxWaitTimeInMs: 100 });
        consumers.push(consumer);
        await consumer.connect();
        await consumer.subscribe({ topics: [topic], fromBeginning: true });
        await consumer.run({ eachMessage: async ({ message }) => void values.push(String(message.value)) });
        await waitFor(
          () => values.includes('committed'),
          30_000,
          () => `${values.length} records read`,
        );
        await consumer.stop();
        // read_committed: the aborted records never reach the consumer; the rest in order.
        expect(values).to.deep.equal(['plain', 'null key', 'null', ...Array.from({ length: 200 }, (_, i) => `compressed ${i}`), 'committed']);
      } finally {
        for (const undo of restore) undo();
      }
      let records = 0;
      for (const { raw, version, decoded } of responses) {
        const expected = await stock(`kafkajs/src/protocol/requests/fetch/v${version}/response.js`).decode(raw);
        expect(decoded).to.deep.equal(expected);
        for (const topicResponse of expected.responses) for (const partition of topicResponse.partitions) records += partition.messages.length;
      }
      // Every record, the aborted ones and the transaction markers included, went through both.
      expect(records).to.be.at.least(3 + 200 + 2 + 1 + 2);
    });
  });
});
