import type { Consumer, Kafka, Producer, ProducerConfig } from 'kafkajs';
import { kafkajs } from '../kafka/kafkajs.ts';
import { TaskCorruptedException, TaskMigratedException } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { ThreadMetrics } from '../metrics/thread-metrics.ts';
import type { TopicPartition } from '../kafka/topic-partition.ts';
import { AtLeastOnceCommitter } from './at-least-once-committer.ts';
import { ExactlyOnceCommitter } from './exactly-once-committer.ts';
import type { RuntimeTask } from './runtime-task.ts';
import type { StorePersistenceListener } from './store-persistence.ts';
import { isRecoverable } from './task-health.ts';

/**
 * How a stream thread sends its tasks' outputs and commits their progress: one interface, one
 * implementation per processing guarantee, so the thread never asks which one it runs.
 */
export interface Committer {
  /** Connects what the guarantee needs before any task is created. */
  start(): Promise<void>;
  /** A task was created: exactly-once fences its previous owner here, before it restores. */
  taskCreated(task: RuntimeTask): Promise<void>;
  /** After a batch of `task`: sends its outputs, and commits when due. */
  afterBatch(task: RuntimeTask, readyTasks: () => RuntimeTask[]): Promise<void>;
  /** Sends and commits everything the tasks have pending (commit interval, close). */
  commitAll(tasks: readonly RuntimeTask[], clean?: boolean): Promise<void>;
  /** The task left this thread: nothing of it may be committed any more. */
  taskDropped(task: RuntimeTask, partitions: readonly TopicPartition[]): void;
  /** The task is closed: releases what the guarantee held for it. */
  taskClosed(task: RuntimeTask): Promise<void>;
  close(): Promise<void>;
}

export interface CommitterOptions {
  readonly kafka: Kafka;
  readonly consumer: Consumer;
  readonly applicationId: string;
  readonly commitIntervalMs: number;
  readonly producerConfig?: Partial<ProducerConfig>;
  readonly logger: Logger;
  /** A task whose transactional id was taken over: the thread drops it and rejoins. */
  readonly onMigrated: (task: RuntimeTask, error: TaskMigratedException) => void;
  /**
   * A task whose outputs or commit failed for a reason that can pass (the broker unreachable):
   * its uncommitted work is gone, and the thread starts it again from what was committed.
   */
  readonly onCorrupted: (task: RuntimeTask, error: unknown) => void;
  /** How writing the stores to Keyv goes. */
  readonly persistence: StorePersistenceListener;
  /** Where commits are counted and timed (the thread's commit-rate, -total, -latency). */
  readonly metrics: ThreadMetrics;
}

export function createCommitter(guarantee: 'at_least_once' | 'exactly_once_v2', options: CommitterOptions): Committer {
  return guarantee === 'exactly_once_v2' ? new ExactlyOnceTaskCommitter(options) : new AtLeastOnceTaskCommitter(options);
}

/** One producer for the thread; outputs go out after each batch, offsets are committed on the interval. */
class AtLeastOnceTaskCommitter implements Committer {
  private producer: Producer | undefined;
  private committer: AtLeastOnceCommitter | undefined;
  private lastCommit = Date.now();

  constructor(private readonly options: CommitterOptions) {}

  async start(): Promise<void> {
    this.producer = this.options.kafka.producer({ createPartitioner: kafkajs().Partitioners.DefaultPartitioner, ...this.options.producerConfig });
    await this.producer.connect();
    this.committer = new AtLeastOnceCommitter(this.producer, this.options.consumer, this.options.logger, this.options.persistence, this.options.onCorrupted);
  }

  async taskCreated(): Promise<void> {}

  async afterBatch(task: RuntimeTask, readyTasks: () => RuntimeTask[]): Promise<void> {
    const committer = this.committer!;
    const due = task.failure !== undefined || task.task.context.commitRequested || Date.now() - this.lastCommit >= this.options.commitIntervalMs;
    if (due) {
      // Every task's caches are flushed and its outputs sent, then the acknowledged offsets committed.
      const ready = readyTasks();
      await committer.send(ready, true);
      task.task.context.commitRequested = false;
      this.lastCommit = Date.now();
      await this.options.metrics.timeCommit(() => committer.commit(ready));
    } else {
      // Between commits a batch's outputs go out on their own, alongside other tasks' sends.
      // What other tasks emitted meanwhile (wall-clock punctuators) goes too, unawaited: a send
      // that fails for good fails the next send and the next commit, which waits for every send.
      const others = readyTasks().filter((other) => other !== task && other.outputs.length > 0);
      if (others.length > 0) void committer.send(others, false).catch(() => {});
      await committer.send([task], false);
    }
  }

  async commitAll(tasks: readonly RuntimeTask[], clean = false): Promise<void> {
    if (!this.committer) return;
    await this.committer.send(tasks, true);
    this.lastCommit = Date.now();
    await this.options.metrics.timeCommit(() => this.committer!.commit(tasks, clean));
  }

  taskDropped(task: RuntimeTask, partitions: readonly TopicPartition[]): void {
    this.committer?.forget(task, partitions);
  }

  async taskClosed(): Promise<void> {}

  async close(): Promise<void> {
    await this.producer?.disconnect();
  }
}

/** A transactional producer per task; a task commits its own transaction once its interval is up. */
class ExactlyOnceTaskCommitter implements Committer {
  private readonly committer: ExactlyOnceCommitter;

  constructor(private readonly options: CommitterOptions) {
    this.committer = new ExactlyOnceCommitter(options.kafka, options.applicationId, options.persistence, options.producerConfig);
  }

  async start(): Promise<void> {}

  taskCreated(task: RuntimeTask): Promise<void> {
    return this.committer.taskCreated(task);
  }

  async afterBatch(task: RuntimeTask): Promise<void> {
    const context = task.task.context;
    if (task.failure || context.commitRequested || Date.now() - task.lastCommit >= this.options.commitIntervalMs) {
      context.commitRequested = false;
      await this.commitTask(task);
    }
  }

  async commitAll(tasks: readonly RuntimeTask[], clean = false): Promise<void> {
    await Promise.all(tasks.map((task) => this.commitTask(task, clean)));
  }

  taskDropped(task: RuntimeTask): void {
    this.committer.taskDropped(task);
  }

  taskClosed(task: RuntimeTask): Promise<void> {
    return this.committer.taskClosed(task);
  }

  close(): Promise<void> {
    return this.committer.close();
  }

  /**
   * A fenced task is handed to the thread, which drops it; so is one whose transaction failed for
   * a reason that can pass, which the thread starts again; other failures fail the commit.
   */
  private async commitTask(task: RuntimeTask, clean = false): Promise<void> {
    try {
      await this.options.metrics.timeCommit(() => this.committer.commit(task, clean));
    } catch (error) {
      if (error instanceof TaskMigratedException) this.options.onMigrated(task, error);
      else if (error instanceof TaskCorruptedException || isRecoverable(error)) this.options.onCorrupted(task, error);
      else throw error;
    }
  }
}
