import { expect } from 'chai';
import type { Consumer, Producer, RecordMetadata, TopicOffsets } from 'kafkajs';
import { lineLogger } from '../../lib/logger.ts';
import { AtLeastOnceCommitter } from '../../lib/runtime/at-least-once-committer.ts';
import type { RuntimeTask } from '../../lib/runtime/runtime-task.ts';

/** A producer whose sends wait until the spec acknowledges them, and a consumer that records commits. */
function fakeClients() {
  const acknowledgements: (() => void)[] = [];
  const commits: TopicOffsets[][] = [];
  const producer = {
    sendBatch: () => new Promise<RecordMetadata[]>((resolve) => acknowledgements.push(() => resolve([]))),
  } as unknown as Producer;
  const consumer = {
    commitOffsets: async (offsets: TopicOffsets[]) => {
      commits.push(offsets);
    },
  } as unknown as Consumer;
  /** Waits for a send to reach the producer, then acknowledges every send so far. */
  const acknowledgeAll = async (): Promise<void> => {
    while (acknowledgements.length === 0) await new Promise((resolve) => setImmediate(resolve));
    for (const acknowledge of acknowledgements.splice(0)) acknowledge();
  };
  return { producer, consumer, commits, acknowledgeAll };
}

/** A task with one output of input partition `clicks` 0 at `offset` pending. */
function taskWithWork(id: string, offset: string): RuntimeTask {
  let work = { outputs: [{ topic: 'counts', key: Buffer.from('k'), value: Buffer.from('1'), timestamp: 0, headers: {} }], offsets: [{ topic: 'clicks', partition: 0, offset, metadata: '' }] };
  return {
    id,
    takeWork: () => {
      const taken = work;
      work = { outputs: [], offsets: [] };
      return taken;
    },
    stores: { drain: () => ({ records: [], acknowledged: () => {} }), committedInput: () => {}, persist: async () => {} },
  } as unknown as RuntimeTask;
}

describe('AtLeastOnceCommitter', () => {
  const logger = lineLogger('error', 'spec', () => {});

  it("commits a task's input offsets once its outputs are acknowledged", async () => {
    const { producer, consumer, commits, acknowledgeAll } = fakeClients();
    const committer = new AtLeastOnceCommitter(producer, consumer, logger);
    const task = taskWithWork('0_0', '6');
    const sent = committer.send([task], false);
    await acknowledgeAll();
    await sent;
    await committer.commit([task]);
    expect(commits).to.deep.equal([[{ topic: 'clicks', partition: 0, offset: '6', metadata: '' }]]);
  });

  it('does not commit the offsets of a task dropped while its send was in flight', async () => {
    const { producer, consumer, commits, acknowledgeAll } = fakeClients();
    const committer = new AtLeastOnceCommitter(producer, consumer, logger);
    const dropped = taskWithWork('0_0', '6');
    const sent = committer.send([dropped], false);
    committer.forget(dropped, [{ topic: 'clicks', partition: 0 }]);
    await acknowledgeAll();
    await sent;
    await committer.commit([]);
    expect(commits, 'offsets of a partition this instance no longer owns').to.deep.equal([]);
  });
});
