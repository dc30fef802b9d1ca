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
  /** Waits until a send has reached the producer (it is in flight). */
  const sendInFlight = async (): Promise<void> => {
    while (acknowledgements.length === 0) await new Promise((resolve) => setImmediate(resolve));
  };
  return { producer, consumer, commits, acknowledgeAll, sendInFlight };
}

/** A task with one output of input partition `clicks` 0 at `offset` pending. */
function taskWithWork(id: string, offset: string): RuntimeTask {
  let work = {
    outputs: [{ topic: 'counts', key: Buffer.from('k'), value: Buffer.from('1'), timestamp: 0, headers: {} }],
    offsets: [{ topic: 'clicks', partition: 0, offset, metadata: '' }],
  };
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

/** A task that emits one output per `emit(offset)` of input partition `clicks` 0. */
function taskEmitting(id: string): RuntimeTask & { emit(offset: string): void } {
  let work: ReturnType<RuntimeTask['takeWork']> = { outputs: [], offsets: [] };
  return {
    id,
    emit(offset: string) {
      work.outputs.push({ topic: 'counts', key: Buffer.from('k'), value: Buffer.from(offset), timestamp: 0, headers: {} });
      work.offsets = [{ topic: 'clicks', partition: 0, offset, metadata: '' }];
    },
    takeWork: () => {
      const taken = work;
      work = { outputs: [], offsets: [] };
      return taken;
    },
    stores: { drain: () => ({ records: [], acknowledged: () => {} }), committedInput: () => {}, persist: async () => {} },
  } as unknown as RuntimeTask & { emit(offset: string): void };
}

const persistence = { persisted: () => {}, persistFailed: () => {} };

describe('AtLeastOnceCommitter', () => {
  const logger = lineLogger('error', 'spec', () => {});

  it("commits a task's input offsets once its outputs are acknowledged", async () => {
    const { producer, consumer, commits, acknowledgeAll } = fakeClients();
    const committer = new AtLeastOnceCommitter(producer, consumer, logger, persistence, () => {});
    const task = taskWithWork('0_0', '6');
    const sent = committer.send([task], false);
    await acknowledgeAll();
    await sent;
    await committer.commit([task]);
    expect(commits).to.deep.equal([[{ topic: 'clicks', partition: 0, offset: '6', metadata: '' }]]);
  });

  it('does not commit the offsets of a task dropped while its send was in flight', async () => {
    const { producer, consumer, commits, acknowledgeAll, sendInFlight } = fakeClients();
    const committer = new AtLeastOnceCommitter(producer, consumer, logger, persistence, () => {});
    const dropped = taskWithWork('0_0', '6');
    const sent = committer.send([dropped], false);
    await sendInFlight();
    committer.forget(dropped, [{ topic: 'clicks', partition: 0 }]);
    await acknowledgeAll();
    await sent;
    await committer.commit([]);
    expect(commits, 'offsets of a partition this instance no longer owns').to.deep.equal([]);
  });

  it('hands a task whose send failed for a reason that can pass to the thread, commits none of its offsets, and goes on with other tasks', async () => {
    const commits: TopicOffsets[][] = [];
    let sends = 0;
    const producer = {
      // The first send finds the broker gone; the later ones get through.
      sendBatch: async () => {
        if (sends++ === 0)
          throw Object.assign(new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092'), { name: 'KafkaJSConnectionError', retriable: true });
        return [];
      },
    } as unknown as Producer;
    const consumer = { commitOffsets: async (offsets: TopicOffsets[]) => void commits.push(offsets) } as unknown as Consumer;
    const failed: string[] = [];
    const committer = new AtLeastOnceCommitter(producer, consumer, logger, persistence, (task) => failed.push(task.id));
    const broken = taskWithWork('0_0', '6');
    await committer.send([broken], false);
    const fine = taskWithWork('0_1', '9');
    await committer.send([fine], false);
    await committer.commit([broken, fine]);
    expect(failed).to.deep.equal(['0_0']);
    expect(commits).to.deep.equal([[{ topic: 'clicks', partition: 0, offset: '9', metadata: '' }]]);
  });

  it('fails the send for an error that will not pass', async () => {
    const producer = {
      sendBatch: async () => Promise.reject(Object.assign(new Error('Message too large'), { type: 'MESSAGE_TOO_LARGE', retriable: false })),
    } as unknown as Producer;
    const consumer = { commitOffsets: async () => {} } as unknown as Consumer;
    const failed: string[] = [];
    const committer = new AtLeastOnceCommitter(producer, consumer, logger, persistence, (task) => failed.push(task.id));
    let error: unknown;
    await committer.send([taskWithWork('0_0', '6')], false).catch((e: unknown) => (error = e));
    expect((error as Error).message).to.equal('Message too large');
    expect(failed).to.deep.equal([]);
  });

  it('after a send that fails for good, sends nothing more, and fails the next send and the commit with that error', async () => {
    let sends = 0;
    const producer = {
      sendBatch: async () => {
        if (sends++ === 0) throw Object.assign(new Error('Message too large'), { type: 'MESSAGE_TOO_LARGE', retriable: false });
        return [];
      },
    } as unknown as Producer;
    const commits: TopicOffsets[][] = [];
    const consumer = { commitOffsets: async (offsets: TopicOffsets[]) => void commits.push(offsets) } as unknown as Consumer;
    const committer = new AtLeastOnceCommitter(producer, consumer, logger, persistence, () => {});
    const task = taskEmitting('0_0');
    task.emit('6');
    // Unawaited, as the sends of tasks other than the one whose batch it is.
    void committer.send([task], false).catch(() => {});
    task.emit('7');
    const next = await committer.send([task], false).catch((e: Error) => e);
    expect(next).to.be.an('error').with.property('message', 'Message too large');
    const commit = await committer.commit([task]).catch((e: Error) => e);
    expect(commit).to.be.an('error').with.property('message', 'Message too large');
    expect(sends, 'the later records are not sent').to.equal(1);
    expect(commits, 'no offset past the failed records').to.deep.equal([]);
  });
});
