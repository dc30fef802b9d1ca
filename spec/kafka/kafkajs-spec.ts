import { expect } from 'chai';
import { createRequire } from 'node:module';
import type { Message } from 'kafkajs';
import { abortedRecordsFixed, linearGroupingInstalled } from '../../lib/kafka/kafkajs.ts';

const require = createRequire(import.meta.url);

describe('kafkajs as this library loads it', () => {
  it('has the aborted-records fix and the linear per-partition grouping in place', () => {
    expect(abortedRecordsFixed).to.equal(true);
    expect(linearGroupingInstalled).to.equal(true);
  });

  it("groups a request's messages per partition as kafkajs did: every message once, in order within its partition", () => {
    // What kafkajs' producer calls (it requires the module after this library replaced it).
    const group = require('kafkajs/src/producer/groupMessagesPerPartition.js') as (args: {
      topic: string;
      partitionMetadata: unknown[];
      messages: Message[];
      partitioner: (args: { message: Message }) => number;
    }) => Record<string, Message[]>;
    const messages: Message[] = Array.from({ length: 1000 }, (_, i) => ({ key: `k${i}`, value: `v${i}`, partition: (i * 7) % 3 }));
    const grouped = group({ topic: 't', partitionMetadata: [{}, {}, {}], messages, partitioner: ({ message }) => message.partition! });
    expect(Object.keys(grouped)).to.deep.equal(['0', '1', '2']);
    for (const [partition, inPartition] of Object.entries(grouped)) {
      expect(inPartition).to.deep.equal(messages.filter((m) => m.partition === Number(partition)));
    }
    expect(group({ topic: 't', partitionMetadata: [], messages, partitioner: () => 0 })).to.deep.equal({});
  });
});
