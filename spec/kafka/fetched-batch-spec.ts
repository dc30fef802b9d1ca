import { expect } from 'chai';
import { createRequire } from 'node:module';
import { Batch } from '../../lib/kafka/fetched-batch.ts';
import { privateKafkajs } from '../../lib/kafka/kafkajs.ts';

// Stock kafkajs' Batch (the app's copy) on the same fetches: without aborted transactions (where
// its filter is wrong, see aborted-messages-filter.ts) every member and method must agree.
const StockBatch = createRequire(import.meta.url)('kafkajs/src/consumer/batch.js');

const message = (offset: number | bigint, extra: object = {}) => ({
  offset: String(offset),
  key: Buffer.from(`k${offset}`),
  value: Buffer.from(`v${offset}`),
  batchContext: { producerId: '-1', inTransaction: false },
  ...extra,
});
const control = (offset: number | bigint) => message(offset, { isControlRecord: true, key: Buffer.from([0, 0, 0, 1]) });

function expectSameAsStock(
  fetchedOffset: string,
  partitionData: { partition: number; highWatermark: string; messages: ReturnType<typeof message>[] },
): Batch<ReturnType<typeof message>> {
  const ours = new Batch('topic', fetchedOffset, partitionData);
  const stock = new StockBatch('topic', fetchedOffset, partitionData);
  for (const field of ['topic', 'partition', 'highWatermark', 'fetchedOffset', 'rawMessages', 'messagesWithinOffset', 'messages'] as const) {
    expect(ours[field], field).to.deep.equal(stock[field]);
  }
  for (const method of [
    'isEmpty',
    'isEmptyIncludingFiltered',
    'isEmptyDueToFiltering',
    'isEmptyControlRecord',
    'isEmptyDueToLogCompactedMessages',
    'firstOffset',
    'lastOffset',
    'offsetLag',
    'offsetLagLow',
  ] as const) {
    expect(ours[method](), method).to.deep.equal(stock[method]());
  }
  return ours;
}

describe('Batch (a fetch as kafkajs consumers see it)', () => {
  it('is the Batch the private kafkajs copy builds fetches with', () => {
    expect(privateKafkajs().module('kafkajs/src/consumer/batch.js')).to.equal(Batch);
  });

  it('drops records before the fetched offset (the start of a compressed batch) and control records', () => {
    const batch = expectSameAsStock('98', {
      partition: 2,
      highWatermark: '120',
      messages: [message(95), message(97), message(98), message(99), control(100), message(101), message(1000)],
    });
    expect(batch.messages.map((m) => m.offset)).to.deep.equal(['98', '99', '101', '1000']);
  });

  it('compares offsets by value across digit counts and past 2^53', () => {
    expectSameAsStock('9', { partition: 0, highWatermark: '12', messages: [message(8), message(9), message(10), message(11)] });
    const big = 2n ** 60n;
    const batch = expectSameAsStock(String(big + 1n), {
      partition: 0,
      highWatermark: String(big + 10n),
      messages: [message(big), message(big + 1n), message(big + 2n)],
    });
    expect(batch.messages.map((m) => m.offset)).to.deep.equal([String(big + 1n), String(big + 2n)]);
    expectSameAsStock('999999999999999', {
      partition: 0,
      highWatermark: '1000000000000002',
      messages: [message(999999999999998n), message(999999999999999n), message(1000000000000000n), message(1000000000000001n)],
    });
  });

  it('answers empty fetches as kafkajs does: nothing fetched, all before the offset, only control records', () => {
    expectSameAsStock('5', { partition: 0, highWatermark: '5', messages: [] });
    expectSameAsStock('5', { partition: 0, highWatermark: '9', messages: [message(3), message(4)] });
    expectSameAsStock('5', { partition: 0, highWatermark: '7', messages: [control(5), control(6)] });
  });
});
