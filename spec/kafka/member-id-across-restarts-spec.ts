import { expect } from 'chai';
import { createRequire } from 'node:module';
import { keepMemberIdAcrossRestarts } from '../../lib/kafka/member-id-across-restarts.ts';
import { privateKafkajs } from '../../lib/kafka/kafkajs.ts';

// kafkajs' own ConsumerGroup (the stock module), as its consumer makes one per start: after a
// crash, the next start's group joins with the member id the crashed one had.
const require = createRequire(import.meta.url);
type Group = { memberId: string | null; leave(): Promise<void>; coordinator: unknown };
type GroupClass = new (options: object) => Group;
const StockConsumerGroup = require('kafkajs/src/consumer/consumerGroup.js') as GroupClass;

const logger = { debug() {}, info() {}, warn() {}, error() {}, namespace: () => logger };
const options = (cluster: object) => ({ cluster, logger, groupId: 'shop', topics: ['orders'], topicConfigurations: {}, retry: { retries: 0 }, assigners: [] });

describe('A restarted kafkajs consumer joins as the member it was', () => {
  const ConsumerGroup = keepMemberIdAcrossRestarts(StockConsumerGroup);

  it('starts the next group of the same consumer with the member id of the one before', () => {
    const cluster = {};
    const crashed = new ConsumerGroup(options(cluster));
    expect(crashed.memberId).to.equal(null);
    crashed.memberId = 'shop-1-3f2a';
    // kafkajs' leave failed (the broker was down): the member is still in the group.
    expect(new ConsumerGroup(options(cluster)).memberId).to.equal('shop-1-3f2a');
    // Stock kafkajs joins as a new member, whose rebalance waits for the old one's session to expire.
    expect(new StockConsumerGroup(options(cluster)).memberId).to.equal(null);
  });

  it('joins as a new member after a leave that got through, and never takes another consumer’s id', async () => {
    const cluster = {};
    const left = new ConsumerGroup(options(cluster));
    left.memberId = 'shop-1-3f2a';
    left.coordinator = { leaveGroup: async () => ({}) };
    await left.leave();
    expect(new ConsumerGroup(options(cluster)).memberId).to.equal(null);

    const other = new ConsumerGroup(options({}));
    other.memberId = 'shop-2-9c1d';
    expect(new ConsumerGroup(options({})).memberId).to.equal(null);
  });

  it('is the ConsumerGroup of the private kafkajs copy', () => {
    const Copy = privateKafkajs().module('kafkajs/src/consumer/consumerGroup.js') as GroupClass;
    const cluster = {};
    const crashed = new Copy(options(cluster));
    crashed.memberId = 'shop-1-77aa';
    expect(new Copy(options(cluster)).memberId).to.equal('shop-1-77aa');
  });
});
