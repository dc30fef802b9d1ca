import type { Subscription } from 'rxjs';
import type { StreamsException } from '../errors.ts';
import { CallbackSubscriber } from '../task/callback-subscriber.ts';
import { Fanout } from '../task/fanout.ts';
import { StreamTask, type TaskInput, type TaskOutput } from '../task/stream-task.ts';
import type { TaskOptions } from '../task/task-options.ts';
import type { TaskStores } from './task-stores.ts';
import { toConsumedRecord } from '../kafka/kafka-records.ts';
import { topicPartitionKey, type TopicPartition } from '../kafka/topic-partition.ts';
import { PartitionGroup } from './partition-group.ts';

export interface CommitOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** The task's stream time, so that a task restarting elsewhere does not reopen closed windows. */
  readonly metadata: string;
}

/** Stream time as it travels in offset commit metadata. */
export function encodeStreamTime(streamTime: number): string {
  return JSON.stringify({ streamTime });
}

export function decodeStreamTime(metadata: string | null | undefined): number {
  try {
    const { streamTime } = JSON.parse(metadata ?? '') as { streamTime?: unknown };
    return typeof streamTime === 'number' ? streamTime : -1;
  } catch {
    return -1;
  }
}

/**
 * A task as the Kafka runtime holds it: the compiled pipeline fed record by record from fetched
 * batches, the outputs it produced that are not yet sent, the input offsets it may commit once
 * they are, and its stores' persistence.
 */
export class RuntimeTask {
  readonly task: StreamTask;
  /** Outputs waiting for the next send; the runtime takes them all at once. */
  outputs: TaskOutput[] = [];
  /** Per input partition, the offset after the last record whose work is complete. */
  readonly committable = new Map<string, Omit<CommitOffset, 'metadata'>>();
  failure: StreamsException | undefined;
  /** Resolves once the stores are restored; no record is processed before. */
  ready: Promise<void> = Promise.resolve();
  restoring = false;
  /** Once a restore attempt failed, until one succeeds: why the last one failed (the retry in flight may fail alike). */
  restoreWaiting: string | undefined;
  lastCommit = Date.now();
  /** Fetched records not processed yet, per input partition; the next one is the oldest. */
  readonly records: PartitionGroup;
  /** When this task last processed or restored a record, or was found with nothing to do (for the liveness check). */
  lastProgress = Date.now();
  /**
   * Per input partition, the offset of the next record this task has to process. Records before
   * it are in the task's state already, yet kafkajs may hand them over again:
   * - after a rebalance that leaves this task here: kafkajs' eager protocol revokes every
   *   partition and fetches again from the committed offsets, which may be older than what the
   *   task processed since its last commit;
   * - exactly-once, for a new task: it starts at the committed offset read after fencing the
   *   previous owner, and kafkajs may have fetched an older one before that owner's last
   *   transaction completed (kafkajs has no KIP-447 requireStable).
   */
  private readonly position = new Map<string, { readonly topic: string; readonly partition: number; readonly next: number }>();
  /** Per input partition, the offset committed last, as far as this task knows (exactly-once). */
  private readonly committedOffsets = new Map<string, number>();
  private readonly input = new Fanout<TaskInput>();
  private readonly subscription: Subscription;

  constructor(
    options: (outputs: (record: TaskOutput) => void) => TaskOptions,
    readonly stores: TaskStores,
    partitions: readonly TopicPartition[],
    maxTaskIdleMs: number,
  ) {
    this.records = new PartitionGroup(partitions, maxTaskIdleMs);
    this.task = new StreamTask(options((record) => this.outputs.push(record)));
    this.task.context.metrics.partitionGroup(this.records);
    this.subscription = this.input.pipe(this.task.pipeline).subscribe(
      new CallbackSubscriber<TaskOutput>({
        next: (record) => this.outputs.push(record),
        error: (error) => {
          this.failure ??= error as StreamsException;
        },
      }),
    );
  }

  get id(): string {
    return this.task.id;
  }

  /**
   * The offset of the next record of this input partition the task has to process: records
   * before it are in its state already, processed here or by a previous owner. 0 when none is.
   */
  nextOffset(topic: string, partition: number): number {
    return this.position.get(topicPartitionKey({ topic, partition }))?.next ?? 0;
  }

  /** Records from `offset` on are still to be processed (the committed offset of a previous owner). */
  startAt(topic: string, partition: number, offset: number): void {
    const key = topicPartitionKey({ topic, partition });
    this.position.set(key, { topic, partition, next: offset });
    this.committedOffsets.set(key, offset);
  }

  /**
   * The group's committed offset of an input partition, read when the task starts. Exactly-once
   * also takes it as the task's position: records before it were processed by a previous owner.
   */
  knowCommitted(topic: string, partition: number, offset: number, asPosition: boolean): void {
    if (asPosition) this.startAt(topic, partition, offset);
    else this.committedOffsets.set(topicPartitionKey({ topic, partition }), offset);
  }

  /** Where an input partition's records start (`low`) and end (`high`) on the broker, read when the task starts. */
  knowInputRange(topic: string, partition: number, low: number, high: number): void {
    const queue = this.records.queue(topic, partition);
    if (!queue) return;
    const committed = this.committedOffsets.get(topicPartitionKey({ topic, partition }));
    queue.advance(Math.max(low, committed ?? low, queue.fetchedUpTo) - 1, high);
  }

  /** Offsets committed for the group; those of partitions this task does not read are ignored. */
  committed(offsets: readonly Omit<CommitOffset, 'metadata'>[]): void {
    for (const { topic, partition, offset } of offsets) {
      if (this.records.queue(topic, partition)) this.committedOffsets.set(topicPartitionKey({ topic, partition }), Number(offset));
    }
  }

  /** The offset committed last for this input partition, as far as this task knows. */
  committedOffset(topic: string, partition: number): number | undefined {
    return this.committedOffsets.get(topicPartitionKey({ topic, partition }));
  }

  /**
   * Where the group's committed offsets are, as far as this task knows, for each of its input
   * partitions: `undefined` when none was ever committed.
   */
  lastCommitted(): { topic: string; partition: number; offset: number | undefined }[] {
    return this.records.partitions.map(({ topic, partition }) => ({
      topic,
      partition,
      offset: this.committedOffsets.get(topicPartitionKey({ topic, partition })),
    }));
  }

  /** The input partition's end offset as last heard, if known. */
  endOffset(topic: string, partition: number): number | undefined {
    const end = this.records.queue(topic, partition)?.endOffset ?? -1;
    return end < 0 ? undefined : end;
  }

  /**
   * Processes buffered records, oldest first, for as long as the partition group lets the task
   * go on (it may have to wait for a partition); returns how many it processed.
   */
  processBuffered(now: number): number {
    const group = this.records;
    let count = 0;
    for (let queue = group.next(now); queue !== undefined && this.failure === undefined; queue = group.next(now)) {
      const record = toConsumedRecord(queue.topic, queue.partition, queue.take());
      this.input.next(record);
      if (this.failure !== undefined) break;
      queue.lastTaken = record.offset;
      count++;
    }
    for (const queue of group.partitions) {
      if (queue.lastTaken < 0) continue;
      this.markProcessed(queue.topic, queue.partition, queue.lastTaken);
      queue.lastTaken = -1;
    }
    if (count > 0) this.lastProgress = now;
    return count;
  }

  markProcessed(topic: string, partition: number, offset: number): void {
    const next = offset + 1;
    const key = topicPartitionKey({ topic, partition });
    this.position.set(key, { topic, partition, next });
    this.committable.set(key, { topic, partition, offset: String(next) });
  }

  /**
   * Takes the outputs and the committable offsets together, so they always match. `flush` first
   * forwards what the record caches hold; without it, offsets stay behind while a cache holds
   * updates of their records (committing them would lose those updates in a crash).
   */
  takeWork(flush: boolean): { outputs: TaskOutput[]; offsets: CommitOffset[] } {
    const context = this.task.context;
    if (flush) context.flushCaches();
    const outputs = this.outputs;
    this.outputs = [];
    if (context.cachesPending) return { outputs, offsets: [] };
    const metadata = encodeStreamTime(context.streamTime);
    const offsets = [...this.committable.values()].map((offset) => ({ ...offset, metadata }));
    this.committable.clear();
    return { outputs, offsets };
  }

  /** Completes the input, which closes the processors, then closes the stores. */
  close(): void {
    this.records.clear();
    this.input.complete();
    this.subscription.unsubscribe();
    this.task.context.closeStores();
  }
}
