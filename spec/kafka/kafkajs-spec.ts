import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import type { Message } from 'kafkajs';
import { dropAbortedMessages } from '../../lib/kafka/aborted-messages-filter.ts';
import { kafkajs, onAssignmentUserData, privateKafkajs } from '../../lib/kafka/kafkajs.ts';
import { groupMessagesPerPartition } from '../../lib/kafka/partition-grouping.ts';

const run = promisify(execFile);

interface BatchLike {
  readonly messages: readonly { offset: string }[];
}
type BatchClass = new (topic: string, fetchedOffset: string, partitionData: unknown) => BatchLike;

// Producer 1 aborted a transaction at offsets 0-1, producer 2 one at 2-3, producer 3 committed 4;
// the broker lists producer 2's abort first, as it aborted first.
const record = (offset: number, producerId: string, extra: object = {}) => ({
  offset: String(offset),
  key: Buffer.from(`k${offset}`),
  value: Buffer.from(`v${offset}`),
  batchContext: { producerId, inTransaction: true },
  ...extra,
});
const abortMarker = (offset: number, producerId: string) => record(offset, producerId, { key: Buffer.from([0, 0, 0, 0]), isControlRecord: true });
const fetched = {
  partition: 0,
  highWatermark: '9',
  messages: [record(0, '1'), record(1, '1'), record(2, '2'), record(3, '2'), record(4, '3'), abortMarker(5, '2'), abortMarker(6, '1')],
  abortedTransactions: [
    { producerId: '2', firstOffset: '2' },
    { producerId: '1', firstOffset: '0' },
  ],
};

describe('kafkajs as this library loads it', () => {
  it("drops every aborted transaction's records from a fetch, in whatever order the broker lists them", () => {
    const Batch = privateKafkajs().module('kafkajs/src/consumer/batch.js') as BatchClass;
    const batch = new Batch('orders', '0', fetched);
    expect(batch.messages.map((m) => m.offset)).to.deep.equal(['4']);
    expect(dropAbortedMessages(fetched).map((m) => m.offset)).to.deep.equal(['4', '5', '6']);
  });

  it("groups a request's messages per partition as kafkajs did: every message once, in order within its partition", () => {
    expect(privateKafkajs().module('kafkajs/src/producer/groupMessagesPerPartition.js')).to.equal(groupMessagesPerPartition);
    const messages: Message[] = Array.from({ length: 1000 }, (_, i) => ({ key: `k${i}`, value: `v${i}`, partition: (i * 7) % 3 }));
    const grouped = groupMessagesPerPartition({ topic: 't', partitionMetadata: [{}, {}, {}], messages, partitioner: ({ message }) => message.partition! });
    expect(Object.keys(grouped)).to.deep.equal(['0', '1', '2']);
    for (const [partition, inPartition] of Object.entries(grouped)) {
      expect(inPartition).to.deep.equal(messages.filter((m) => m.partition === Number(partition)));
    }
    expect(groupMessagesPerPartition({ topic: 't', partitionMetadata: [], messages, partitioner: () => 0 })).to.deep.equal({});
  });

  it('hands the userData of every assignment its consumers decode to the listeners (the Streams assignor reads it there)', () => {
    const received: string[] = [];
    const stop = onAssignmentUserData((userData) => received.push(userData.toString()));
    const { MemberAssignment } = kafkajs().AssignerProtocol;
    const decoded = MemberAssignment.decode(MemberAssignment.encode({ version: 1, assignment: { orders: [0] }, userData: Buffer.from('standbys') }));
    stop();
    MemberAssignment.decode(MemberAssignment.encode({ version: 1, assignment: {}, userData: Buffer.from('after') }));
    expect(decoded?.assignment).to.deep.equal({ orders: [0] });
    expect(received).to.deep.equal(['standbys']);
  });

  it("holds its fixes when the app imported kafkajs first, and leaves the app's kafkajs as it is", async () => {
    const script = `
      import { createRequire } from 'node:module';
      import * as appKafkajs from 'kafkajs';
      const { privateKafkajs, kafkajs } = await import('./lib/kafka/kafkajs.ts');
      const require = createRequire(import.meta.url);
      const Batch = privateKafkajs().module('kafkajs/src/consumer/batch.js');
      const fetched = ${JSON.stringify(fetched)};
      for (const m of fetched.messages) { m.key = Buffer.from(m.key.data); m.value = Buffer.from(m.value.data); }
      console.log(JSON.stringify({
        kept: new Batch('orders', '0', fetched).messages.map((m) => m.offset),
        appFilterUntouched: require('kafkajs/src/consumer/filterAbortedMessages.js').toString().includes('remainingAbortedTransactions'),
        separateCopy: kafkajs().Kafka !== appKafkajs.Kafka && require('kafkajs').Kafka === appKafkajs.Kafka,
      }));`;
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: process.cwd() });
    expect(JSON.parse(stdout)).to.deep.equal({ kept: ['4'], appFilterUntouched: true, separateCopy: true });
  });

  it("keeps a module kafkajs requires on first use (a request version) inside the private copy, apart from the app's", () => {
    type Protocol = { protocol(args: { version: number }): (args: object) => { request: { apiVersion: number } } };
    const produce = privateKafkajs().module('kafkajs/src/protocol/requests/produce/index.js') as Protocol;
    expect(produce.protocol({ version: 6 })({ acks: -1, timeout: 1000, topicData: [] }).request.apiVersion).to.equal(6);
    const ours = privateKafkajs().module('kafkajs/src/protocol/requests/produce/v6/request.js');
    const appRequire = createRequire(import.meta.url);
    expect(ours).to.be.a('function');
    expect(appRequire('kafkajs/src/protocol/requests/produce/v6/request.js')).not.to.equal(ours);
    expect(privateKafkajs().module('kafkajs/src/protocol/requests/produce/v3/request.js')).to.be.a('function');
  });

  it('is not loaded by importing the library or its testing entry point, only on first use', async () => {
    const script = `
      import { createRequire } from 'node:module';
      await import('./lib/index.ts');
      await import('./lib/testing/index.ts');
      const require = createRequire(import.meta.url);
      const loaded = () => Object.keys(require.cache).filter((path) => /[\\\\/]kafkajs[\\\\/]/.test(path)).length;
      const before = loaded();
      const { kafkajs } = await import('./lib/kafka/kafkajs.ts');
      kafkajs();
      console.log(JSON.stringify({ before, cacheLeftAsItWas: loaded() === 0 }));`;
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: process.cwd() });
    expect(JSON.parse(stdout)).to.deep.equal({ before: 0, cacheLeftAsItWas: true });
  });
});
