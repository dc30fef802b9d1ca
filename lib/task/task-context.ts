import { InvalidStateStoreException, ProcessingException, StreamsException, errorMessage } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { TaskMetrics } from '../metrics/task-metrics.ts';
import type { Cancellable, PunctuationType, Punctuator } from '../processor/punctuation.ts';
import type { Change } from '../ktable/change.ts';
import type { ConsumedRecord, StreamRecord } from '../processor/record.ts';
import { storeKeyEncoder } from '../state/internal/store-key.ts';
import { isKeyValueStore } from '../state/key-value-store.ts';
import { RecordCache, type CacheEmitter } from '../state/record-cache.ts';
import { readOnlyKeyValueStore } from '../state/read-only-key-value-store.ts';
import type { StateStore } from '../state/state-store.ts';
import { failOnError, type ExceptionHandler } from './exception-handlers.ts';
import { PunctuationQueue } from './punctuation-queue.ts';
import type { TaskOptions } from './task-options.ts';

/**
 * The state one task shares between its nodes: stores, stream time, the record being processed,
 * punctuation schedules, and the single path by which any failure stops the task.
 */
export class TaskContext {
  readonly taskId: string;
  readonly applicationId: string;
  readonly stores = new Map<string, StateStore>();
  readonly logger: Logger;
  /** Largest timestamp seen so far; -1 before the first record. */
  streamTime = -1;
  /** The input record being processed, as read; undefined between records and in punctuations. */
  current: ConsumedRecord<unknown, unknown> | undefined;
  /** Set once the task has failed; a failed task processes nothing more. */
  failure: StreamsException | undefined;
  commitRequested = false;
  /** The task's metrics: what it processed and skipped (late records dropped by windows, for one). */
  readonly metrics: TaskMetrics;
  private onFailure: (error: StreamsException) => void = () => {};
  private readonly streamTimeSchedules = new PunctuationQueue();
  private readonly wallClockSchedules = new PunctuationQueue();
  private cancelWallClockTimer: (() => void) | undefined;
  private readonly onProcessingError: ExceptionHandler;
  private readonly onDeserializationError: ExceptionHandler;
  /** The record caches of this task's tables, in topology order (upstream flushes first). */
  private readonly caches: RecordCache<unknown, unknown>[] = [];

  constructor(readonly options: TaskOptions) {
    this.taskId = `${options.subTopology.id}_${options.partition}`;
    this.applicationId = options.applicationId;
    this.logger = options.logger.namespace(`task-${this.taskId}`);
    this.onProcessingError = options.onProcessingError ?? failOnError;
    this.onDeserializationError = options.onDeserializationError ?? failOnError;
    this.metrics = new TaskMetrics(options.metrics, this.taskId);
    for (const name of options.subTopology.stores) {
      const registration = options.graph.stores.get(name)!;
      if (registration.global) continue;
      const store = this.metrics.meterStore(options.buildStore ? options.buildStore(registration.builder, this.taskId) : registration.builder.build());
      store.init({ applicationId: this.applicationId, taskId: this.taskId });
      this.stores.set(name, store);
    }
  }

  private readonly sharedState = new Map<string, unknown>();

  /** State two nodes of this task share (both sides of a join use the same buffers), made once. */
  shared<T>(name: string, create: () => T): T {
    if (!this.sharedState.has(name)) this.sharedState.set(name, create());
    return this.sharedState.get(name) as T;
  }

  /**
   * How a table processor writing `storeName` passes its updates on: straight away, or through a
   * record cache when the host gives the task a cache budget (the Kafka runtime does; the test
   * driver and runTopology, like Kafka's TopologyTestDriver, forward every update) and the
   * store has caching enabled. `identify` says which keys are the same row.
   */
  changeForwarder<K, V>(storeName: string, identify?: (key: K) => unknown): (record: StreamRecord<K, Change<V>>, out: CacheEmitter<K, V>) => void {
    const budget = this.options.recordCache;
    const caching = this.options.graph.stores.get(storeName)?.builder.cachingEnabled ?? false;
    if (!budget || budget.maxBytes === 0 || !caching) return (record, out) => out.next(record);
    const cache = new RecordCache<K, V>(storeName, identify ?? storeKeyEncoder<K>(undefined, storeName), budget);
    this.caches.push(cache as RecordCache<unknown, unknown>);
    // Decided once: at INFO the put path has no hit counting at all.
    const hit = this.metrics.cacheHitRatio(storeName);
    return hit ? (record, out) => hit(cache.put(record, out)) : (record, out) => cache.put(record, out);
  }

  /** True while some update waits in a record cache: the input behind it is not done yet. */
  get cachesPending(): boolean {
    return this.caches.some((cache) => cache.size > 0);
  }

  /** Forwards what the record caches hold (before a commit, as Kafka Streams flushes its caches). */
  flushCaches(): void {
    if (this.failure) return;
    const previous = this.current;
    this.current = undefined;
    try {
      for (const cache of this.caches) cache.flush();
    } finally {
      this.current = previous;
    }
  }

  /** Where failures go: the compiled task turns them into an error notification. */
  setFailureListener(listener: (error: StreamsException) => void): void {
    this.onFailure = listener;
  }

  /** The topic name as the brokers know it: internal topics get the application id in front. */
  resolveTopic(topic: string): string {
    return this.options.graph.internalTopics.has(topic) ? `${this.applicationId}-${topic}` : topic;
  }

  /** Stops the task with this error, once; later failures are logged. */
  fail(error: unknown): void {
    const failure = error instanceof StreamsException ? error : new StreamsException(errorMessage(error), { cause: error, location: this.location() });
    if (this.failure) {
      this.logger.debug('Ignoring an error after the task already failed', { error: failure.message });
      return;
    }
    this.failure = failure;
    this.onFailure(failure);
  }

  /** A user function threw: the processing exception handler decides whether to skip or fail. */
  processingError(error: unknown, nodeName: string): void {
    const wrapped =
      error instanceof StreamsException
        ? error
        : new ProcessingException(`Processor ${nodeName} failed: ${errorMessage(error)}`, { cause: error, location: this.location(nodeName) });
    this.handle(wrapped, this.onProcessingError, 'processing');
  }

  /** A record's bytes could not be read: the deserialization exception handler decides. */
  deserializationError(error: StreamsException): void {
    this.handle(error, this.onDeserializationError, 'deserialization');
  }

  location(nodeName?: string): { taskId: string; nodeName?: string; topic?: string; partition?: number; offset?: number } {
    const current = this.current;
    return current
      ? { taskId: this.taskId, nodeName, topic: current.topic, partition: current.partition, offset: current.offset }
      : { taskId: this.taskId, nodeName };
  }

  /** A store for a processor: a global store, or a task store connected to that processor. */
  getStateStore<S extends StateStore>(name: string, nodeName: string, connected: ReadonlySet<string>): S {
    const global = this.options.globalStores.get(name);
    if (global) {
      const writer = this.options.graph.stores.get(name)?.processors.has(nodeName) ?? false;
      return (writer || !isKeyValueStore(global) ? global : readOnlyKeyValueStore(global, `processor ${nodeName}`)) as S;
    }
    const store = this.stores.get(name);
    if (store && connected.has(name)) return store as S;
    if (this.options.graph.stores.has(name)) {
      throw new InvalidStateStoreException(
        `Processor ${nodeName} has no access to StateStore ${name} as the store is not connected to the processor; ` +
          `connect it with addStateStore(builder, '${nodeName}') or by passing '${name}' to process()`,
        // The current record (if any) is named too, so an error in process() says which record hit it.
        { location: this.location(nodeName) },
      );
    }
    const known = [...this.options.graph.stores.keys()];
    throw new InvalidStateStoreException(`Processor ${nodeName} asked for unknown StateStore ${name}; the topology has [${known.join(', ')}]`, {
      location: this.location(nodeName),
    });
  }

  schedule(nodeName: string, intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable {
    if (type === 'stream-time') return this.streamTimeSchedules.add(0, intervalMs, nodeName, punctuator);
    if (type !== 'wall-clock') throw new TypeError(`Unknown punctuation type ${String(type)}; use 'stream-time' or 'wall-clock'`);
    const cancellable = this.wallClockSchedules.add(this.options.clock.now() + intervalMs, intervalMs, nodeName, punctuator);
    this.armWallClock();
    return {
      cancel: () => {
        cancellable.cancel();
        this.armWallClock();
      },
    };
  }

  /** Moves stream time forward; it never goes back. */
  advanceStreamTime(timestamp: number): void {
    if (timestamp > this.streamTime) this.streamTime = timestamp;
  }

  /** Fires the stream-time punctuations that are due. */
  punctuateStreamTime(): void {
    if (this.streamTime < 0 || this.streamTimeSchedules.size === 0) return;
    this.streamTimeSchedules.mayPunctuate(this.streamTime, this.firePunctuation);
  }

  punctuateWallClock(): void {
    this.wallClockSchedules.mayPunctuate(this.options.clock.now(), this.firePunctuation);
  }

  /** Stops the task's timers. Its stores stay open: the host closes them (tests read them after a run). */
  close(): void {
    this.cancelWallClockTimer?.();
    this.cancelWallClockTimer = undefined;
    this.metrics.close();
  }

  closeStores(): void {
    for (const cache of this.caches) cache.clear();
    for (const store of this.stores.values()) if (store.isOpen()) store.close();
  }

  private readonly firePunctuation = (nodeName: string, punctuator: Punctuator, time: number): void => {
    if (this.failure) return;
    const previous = this.current;
    this.current = undefined;
    this.metrics.punctuated++;
    const started = performance.now();
    try {
      punctuator(time);
    } catch (error) {
      this.processingError(error, nodeName);
    } finally {
      this.current = previous;
      this.metrics.punctuatedMs += performance.now() - started;
    }
  };

  private armWallClock(): void {
    this.cancelWallClockTimer?.();
    this.cancelWallClockTimer = undefined;
    const due = this.wallClockSchedules.nextDue();
    if (due === undefined || this.failure) return;
    const clock = this.options.clock;
    this.cancelWallClockTimer = clock.setTimer(Math.max(0, due - clock.now()), () => {
      this.cancelWallClockTimer = undefined;
      this.punctuateWallClock();
      this.armWallClock();
    });
  }

  private handle(error: StreamsException, handler: ExceptionHandler, kind: string): void {
    let response;
    try {
      response = handler(error, this.current);
    } catch (handlerError) {
      this.fail(new StreamsException(`The ${kind} exception handler threw: ${errorMessage(handlerError)}`, { cause: error, location: error.location }));
      return;
    }
    if (response === 'continue') {
      this.metrics.droppedRecords++;
      this.logger.warn(`Skipping a record after a ${kind} error: ${error.message}`);
      return;
    }
    this.fail(error);
  }
}
