import { expect } from 'chai';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import { kafkajs } from '../../lib/kafka/kafkajs.ts';
import { createCommitter, type Committer, type CommitterOptions } from '../../lib/runtime/committer.ts';
import type { RuntimeTask } from '../../lib/runtime/runtime-task.ts';
import type { ThreadMetrics } from '../../lib/metrics/thread-metrics.ts';
import { consoleLogger } from '../../lib/logger.ts';

// The race of issue #21 (a broker restart killed an exactly-once instance), played without a
// broker: a task's commit fails while its EndTxn is in flight, which leaves kafkajs' transaction
// manager in COMMITTING for good; a second commit of the same task was already queued behind it.

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}
function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

/**
 * A transactional producer with kafkajs 2.2.4's state rules: `transaction()` only in READY, and a
 * commit whose EndTxn fails stays in COMMITTING (kafkajs neither retries it nor leaves that state).
 * Each commit waits for the gate the spec hands it.
 */
class FakeTransactionalProducer {
  state: 'READY' | 'TRANSACTING' | 'COMMITTING' | 'ABORTING' = 'READY';
  transactionsBegun = 0;
  readonly commitGates: Deferred[] = [];
  disconnected = false;

  async connect(): Promise<void> {}
  async disconnect(): Promise<void> {
    this.disconnected = true;
  }

  async transaction() {
    if (this.state !== 'READY')
      throw new (kafkajs().KafkaJSNonRetriableError)(`Transaction state exception: Cannot call "beginTransaction" in state "${this.state}"`);
    this.state = 'TRANSACTING';
    this.transactionsBegun++;
    return {
      sendBatch: async () => [],
      sendOffsets: async () => {},
      commit: async () => {
        this.state = 'COMMITTING';
        const gate = deferred();
        this.commitGates.push(gate);
        await gate.promise;
        this.state = 'READY';
      },
      abort: async () => {
        if (this.state !== 'TRANSACTING')
          throw new (kafkajs().KafkaJSNonRetriableError)(`Transaction state exception: Cannot call "abort" in state "${this.state}"`);
        this.state = 'READY';
      },
    };
  }

  /** Until the `index`th commit (from 0) has sent its EndTxn; a fence (an abort right after connecting) sends none. */
  async committing(index: number): Promise<Deferred> {
    for (let turn = 0; this.commitGates.length <= index; turn++) {
      if (turn > 1000) throw new Error(`commit ${index} never started`);
      await new Promise((resolve) => setImmediate(resolve));
    }
    return this.commitGates[index]!;
  }

  /** Lets the `index`th commit's EndTxn succeed, or fail with `error`. */
  async settle(index: number, error?: unknown): Promise<void> {
    const gate = await this.committing(index);
    if (error) gate.reject(error);
    else gate.resolve();
  }
}

/** A task with one input offset to commit per commit, and nothing else. */
function fakeTask(id: string): RuntimeTask {
  let offset = 0;
  return {
    id,
    lastCommit: 0,
    task: { context: { commitRequested: false } },
    takeWork: () => ({ outputs: [], offsets: [{ topic: 'orders', partition: 0, offset: String(++offset), metadata: '' }] }),
    stores: { drain: () => ({ records: [], acknowledged: () => {} }), committedInput: () => {}, persist: async () => {} },
    committed: () => {},
  } as unknown as RuntimeTask;
}

function exactlyOnce(overrides: Partial<CommitterOptions> & { producers: FakeTransactionalProducer[] }): Committer {
  const kafka = {
    producer: () => {
      const producer = new FakeTransactionalProducer();
      overrides.producers.push(producer);
      return producer as unknown as Producer;
    },
  } as unknown as Kafka;
  return createCommitter('exactly_once_v2', {
    kafka,
    consumer: {} as Consumer,
    applicationId: 'shop',
    commitIntervalMs: 100,
    logger: consoleLogger('nothing'),
    onMigrated: () => {},
    onCorrupted: () => {},
    persistence: { persisted: () => {}, persistFailed: () => {} },
    metrics: { timeCommit: (commit: () => Promise<unknown>) => commit() } as unknown as ThreadMetrics,
    ...overrides,
  });
}

const connectionLost = () => new (kafkajs().KafkaJSConnectionError)('Connection error: connect ECONNREFUSED 127.0.0.1:9092');

describe('Exactly-once commits racing a failed transaction (unit, no broker)', () => {
  it('a commit queued behind a commit whose EndTxn failed drops its work instead of failing the instance', async () => {
    const producers: FakeTransactionalProducer[] = [];
    const corrupted: unknown[] = [];
    const task = fakeTask('1_2');
    // As the stream thread revives a corrupted task (TaskManager.revive): drops it at once, and
    // closes it once its restore has settled, a few ticks later.
    const ready = Promise.resolve();
    let committer!: Committer;
    committer = exactlyOnce({
      producers,
      onCorrupted: (failed, error) => {
        corrupted.push(error);
        committer.taskDropped(failed, []);
        void (async () => {
          await ready.catch(() => {});
          await committer.taskClosed(failed);
        })();
      },
    });
    await committer.taskCreated(task);
    const producer = producers[0]!;
    const first = committer.commitAll([task]);
    const queued = committer.commitAll([task]);
    await producer.settle(0, connectionLost());

    await first;
    await queued; // rejected with "Transaction state exception ... COMMITTING" before the fix
    expect(corrupted).to.have.length(1);
    // The fence's transaction and the failed one: the queued commit began none on the broken producer.
    expect(producer.transactionsBegun).to.equal(2);
  });

  it('takes a failed transaction’s producer out of use before the failure is handled', async () => {
    const producers: FakeTransactionalProducer[] = [];
    const task = fakeTask('0_0');
    const committer = exactlyOnce({ producers }); // a thread that does not revive the task (shutting down)
    await committer.taskCreated(task);
    const producer = producers[0]!;
    const first = committer.commitAll([task]);
    const queued = committer.commitAll([task]);
    await producer.settle(0, connectionLost());
    await first;
    await queued;
    await committer.commitAll([task]);
    expect(producer.transactionsBegun).to.equal(2);
    expect(producer.disconnected).to.equal(true);
  });

  it('a commit queued for a task that was dropped meanwhile commits nothing', async () => {
    const producers: FakeTransactionalProducer[] = [];
    const task = fakeTask('0_1');
    const committer = exactlyOnce({ producers });
    await committer.taskCreated(task);
    const producer = producers[0]!;
    const first = committer.commitAll([task]);
    const queued = committer.commitAll([task]);
    await producer.committing(0);
    committer.taskDropped(task, []);
    await producer.settle(0);
    await first;
    await queued;
    // Only the fence and the commit already under way: the queued one's work goes with the task.
    expect(producer.transactionsBegun).to.equal(2);
    await committer.taskClosed(task);
    expect(producer.disconnected).to.equal(true);
  });

  it('a transaction-state error of kafkajs revives the task rather than failing the instance', async () => {
    const producers: FakeTransactionalProducer[] = [];
    const corrupted: unknown[] = [];
    const task = fakeTask('0_2');
    const committer = exactlyOnce({ producers, onCorrupted: (_task, error) => corrupted.push(error) });
    await committer.taskCreated(task);
    const producer = producers[0]!;
    producer.state = 'ABORTING'; // as kafkajs leaves it when an abort's EndTxn failed
    await committer.commitAll([task]);
    expect(corrupted).to.have.length(1);
    expect(String(corrupted[0])).to.match(/Transaction state exception/);
  });
});
