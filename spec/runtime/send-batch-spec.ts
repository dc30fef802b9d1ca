import { expect } from 'chai';
import type { RecordMetadata } from 'kafkajs';
import { NO_HEADERS, type ProducedRecord } from '../../lib/processor/record.ts';
import { sendRecords } from '../../lib/runtime/send-batch.ts';

type Sent = { topic: string; messages: { key?: unknown; value: unknown; headers?: Record<string, unknown>; partition?: number }[] }[];

/** A sender that keeps each request and answers as a broker would: base offsets per partition, counting up. */
function recordingSender() {
  const requests: Sent[] = [];
  const next = new Map<string, number>();
  return {
    requests,
    async sendBatch({ topicMessages }: { topicMessages: Sent }): Promise<RecordMetadata[]> {
      requests.push(topicMessages);
      const metadata: RecordMetadata[] = [];
      for (const { topic, messages } of topicMessages) {
        const perPartition = new Map<number, number>();
        for (const message of messages) perPartition.set(message.partition ?? 0, (perPartition.get(message.partition ?? 0) ?? 0) + 1);
        for (const [partition, count] of perPartition) {
          const base = next.get(`${topic}:${partition}`) ?? 0;
          next.set(`${topic}:${partition}`, base + count);
          metadata.push({ topicName: topic, partition, errorCode: 0, baseOffset: String(base) });
        }
      }
      return metadata;
    },
  };
}

const record = (value: Buffer, headers = NO_HEADERS, partition = 0): ProducedRecord<unknown, unknown> => ({
  topic: 'out',
  partition,
  key: Buffer.from('k'),
  value,
  timestamp: 0,
  headers,
});

const requestBytes = (request: Sent) =>
  request
    .flatMap(({ messages }) => messages)
    .reduce(
      (sum, { value, headers }) =>
        sum + (value as Buffer).length + Object.entries(headers ?? {}).reduce((h, [name, header]) => h + name.length + (header as Buffer).length, 0),
      0,
    );

describe('sendRecords', () => {
  it('keeps each request under the broker batch limit, counting headers as well as values', async () => {
    const sender = recordingSender();
    // 40 records of 50 KB of headers and 1 KB of value: 2 MB, which must go in several requests.
    const records = Array.from({ length: 40 }, () => record(Buffer.alloc(1024), { trace: Buffer.alloc(50 * 1024) }));
    await sendRecords(sender, records);
    expect(sender.requests.length).to.be.greaterThan(2);
    for (const request of sender.requests) expect(requestBytes(request)).to.be.at.most(1024 * 1024);
    expect(sender.requests.flatMap((request) => request.flatMap(({ messages }) => messages))).to.have.length(40);
  });

  it('sends in order and returns the last offset written per partition', async () => {
    const sender = recordingSender();
    const records = Array.from({ length: 20_000 }, (_, i) => record(Buffer.from(`v${i}`), NO_HEADERS, i % 3));
    const lastOffsets = await sendRecords(sender, records);
    const sent = sender.requests.flatMap((request) => request.flatMap(({ messages }) => messages));
    expect(sent.map(({ value }) => (value as Buffer).toString())).to.deep.equal(records.map(({ value }) => (value as Buffer).toString()));
    expect([...lastOffsets]).to.deep.equal([
      ['out:0', 6666],
      ['out:1', 6666],
      ['out:2', 6665],
    ]);
  });
});
