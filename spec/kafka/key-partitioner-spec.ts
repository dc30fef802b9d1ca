import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { createPartitioner, murmur2 } from '../../lib/kafka/key-partitioner.ts';
import { privateKafkajs } from '../../lib/kafka/kafkajs.ts';

// The app's (stock) kafkajs modules, to compare with.
const require = createRequire(import.meta.url);
const stockMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2.js') as (key: Buffer | string) => number;
const stockDefaultPartitioner = require('kafkajs/src/producer/partitioners/default/index.js') as ReturnType<typeof createPartitioner>;

const metadata = (leaders: number[]) => leaders.map((leader, partitionId) => ({ partitionId, leader }));

describe('key partitioner (lib/kafka/key-partitioner.ts)', () => {
  it("hashes every key as kafkajs' Java-compatible murmur2 does: Buffers of every length, strings as UTF-8", () => {
    for (let length = 0; length < 64; length++) {
      for (let i = 0; i < 20; i++) {
        const key = randomBytes(length);
        expect(murmur2(key), key.toString('hex')).to.equal(stockMurmur2(key));
      }
    }
    for (const key of ['', 'a', 'order-17', '0', '9999', 'ünïcödé ключ 鍵']) expect(murmur2(key), key).to.equal(stockMurmur2(key));
    // Java: Utils.murmur2("21".getBytes()) == -973932308
    expect(murmur2('21')).to.equal(-973932308);
  });

  it("picks kafkajs' DefaultPartitioner's partition for every keyed message, and the one a message names", () => {
    const ours = createPartitioner(murmur2)();
    const stock = stockDefaultPartitioner();
    const partitionMetadata = metadata([1, 1, 1, 1, 1, 1, 1]);
    for (let i = 0; i < 2000; i++) {
      const message = { key: i % 2 ? `k${i}` : randomBytes(i % 40) };
      expect(ours({ topic: 't', partitionMetadata, message })).to.equal(stock({ topic: 't', partitionMetadata, message }));
    }
    expect(ours({ topic: 't', partitionMetadata, message: { key: 'k', partition: 5 } })).to.equal(5);
  });

  it('spreads messages without a key round robin over the partitions that have a leader, or over all when none has', () => {
    const partition = createPartitioner(murmur2)();
    const partitionMetadata = metadata([1, -1, 1, -1]);
    const picked = Array.from({ length: 6 }, () => partition({ topic: 't', partitionMetadata, message: { key: null } }));
    expect(new Set(picked)).to.deep.equal(new Set([0, 2]));
    expect(picked[0]).not.to.equal(picked[1]);
    const none = Array.from({ length: 4 }, () => partition({ topic: 'u', partitionMetadata: metadata([-1, -1, -1, -1]), message: {} }));
    expect(new Set(none).size).to.equal(4);
  });

  it('is what the private kafkajs partitions with', () => {
    expect(privateKafkajs().module('kafkajs/src/producer/partitioners/default/murmur2.js')).to.equal(murmur2);
    const { Partitioners } = privateKafkajs().exports;
    const stock = stockDefaultPartitioner();
    const partitionMetadata = metadata([1, 1, 1]);
    const message = { key: 'order-42', value: null };
    const partition = Partitioners.DefaultPartitioner() as unknown as ReturnType<ReturnType<typeof createPartitioner>>;
    expect(partition({ topic: 't', partitionMetadata, message })).to.equal(stock({ topic: 't', partitionMetadata, message }));
  });
});
