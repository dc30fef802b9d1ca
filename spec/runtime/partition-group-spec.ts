import { expect } from 'chai';
import type { KafkaMessage } from 'kafkajs';
import { PartitionGroup, TASK_IDLE_DISABLED } from '../../lib/runtime/partition-group.ts';

const A = { topic: 'orders', partition: 0 };
const B = { topic: 'statuses', partition: 0 };

/** Fetched messages at these offsets and timestamps. */
function messages(...records: [offset: number, timestamp: number][]): KafkaMessage[] {
  return records.map(
    ([offset, timestamp]) =>
      ({ offset: String(offset), timestamp: String(timestamp), key: null, value: null, attributes: 0, headers: {} }) as unknown as KafkaMessage,
  );
}

/** Takes records while the group lets the task go on; returns `topic@timestamp` of each. */
function drain(group: PartitionGroup, now: number): string[] {
  const taken: string[] = [];
  for (let queue = group.next(now); queue; queue = group.next(now)) taken.push(`${queue.topic}@${Number(queue.take().timestamp)}`);
  return taken;
}

describe('PartitionGroup (the records a task fetched, oldest first)', () => {
  it('takes the buffered record with the lowest timestamp next, across partitions', () => {
    const group = new PartitionGroup([A, B], 0);
    group.queue(A.topic, 0)!.add(messages([0, 30], [1, 10], [2, 50]), 0, 2, 3);
    group.queue(B.topic, 0)!.add(messages([0, 20], [1, 40]), 0, 1, 2);
    expect(drain(group, 0)).to.deep.equal(['statuses@20', 'orders@30', 'orders@10', 'statuses@40', 'orders@50']);
  });

  it('waits for a partition that has records on the broker it has not fetched yet', () => {
    const group = new PartitionGroup([A, B], 0);
    group.queue(B.topic, 0)!.advance(-1, 5); // known at start: 5 records on the broker
    group.queue(A.topic, 0)!.add(messages([0, 100]), 0, 0, 1);
    expect(drain(group, 0), 'statuses has 5 records not fetched').to.deep.equal([]);
    group.queue(B.topic, 0)!.add(messages([0, 1], [1, 2], [2, 3], [3, 4], [4, 5]), 0, 4, 5);
    expect(drain(group, 0)).to.deep.equal(['statuses@1', 'statuses@2', 'statuses@3', 'statuses@4', 'statuses@5', 'orders@100']);
  });

  it('waits for a partition it knows nothing of yet', () => {
    const group = new PartitionGroup([A, B], 0);
    group.queue(A.topic, 0)!.add(messages([0, 100]), 0, 0, 1);
    expect(group.next(0)).to.equal(undefined);
  });

  it('with maxTaskIdleMs 0, goes on at once without an empty partition that has nothing more on the broker (enforced processing)', () => {
    const group = new PartitionGroup([A, B], 0);
    group.queue(B.topic, 0)!.advance(2, 3); // fetched all 3 of them
    group.queue(A.topic, 0)!.add(messages([0, 100]), 0, 0, 1);
    expect(drain(group, 0)).to.deep.equal(['orders@100']);
    expect(group.enforcedProcessing).to.equal(1);
  });

  it('with maxTaskIdleMs > 0, waits that long for such a partition, from when it was first found empty', () => {
    const group = new PartitionGroup([A, B], 1000);
    group.queue(B.topic, 0)!.advance(2, 3);
    group.queue(A.topic, 0)!.add(messages([0, 100]), 0, 0, 1);
    expect(drain(group, 5000)).to.deep.equal([]);
    expect(group.idleDeadline()).to.equal(6000);
    expect(drain(group, 5999)).to.deep.equal([]);
    expect(drain(group, 6000)).to.deep.equal(['orders@100']);
  });

  it('with maxTaskIdleMs -1, never waits: records go as they are fetched, oldest buffered first', () => {
    const group = new PartitionGroup([A, B], TASK_IDLE_DISABLED);
    group.queue(B.topic, 0)!.advance(-1, 5);
    group.queue(A.topic, 0)!.add(messages([0, 100]), 0, 0, 1);
    expect(drain(group, 0)).to.deep.equal(['orders@100']);
  });

  it('skips records fetched again (before `from`, or buffered already), and counts control records as fetched', () => {
    const group = new PartitionGroup([A], 0);
    const queue = group.queue(A.topic, 0)!;
    // Offsets 0-1 are processed already (from = 2); 4 is a transaction marker kafkajs filtered out.
    queue.add(messages([0, 1], [1, 2], [2, 3], [3, 4]), 2, 4, 5);
    expect(queue.fetchedUpTo).to.equal(5);
    expect(queue.fetchLag).to.equal(0);
    // After a rebalance kafkajs fetches from the committed offset again.
    queue.add(messages([2, 3], [3, 4], [5, 6]), 2, 5, 6);
    expect(drain(group, 0)).to.deep.equal(['orders@3', 'orders@4', 'orders@6']);
  });
});
