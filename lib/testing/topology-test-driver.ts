import type { StreamsConfig } from '../config.ts';
import { InvalidStateStoreException, StreamsException } from '../errors.ts';
import { NO_HEADERS, type RecordHeaders } from '../processor/record.ts';
import type { Serde } from '../serdes/serde.ts';
import { isKeyValueStore, type KeyValueStore } from '../state/key-value-store.ts';
import type { StateStore } from '../state/state-store.ts';
import { sessionStoreView, windowStoreView, type ReadOnlySessionStore, type ReadOnlyWindowStore } from '../state/window-store.ts';
import type { Windowed } from '../windows/windowed.ts';
import { metricConfig } from '../metrics/metric-config.ts';
import type { MetricValue } from '../metrics/metric-name.ts';
import { MetricsRegistry } from '../metrics/metrics-registry.ts';
import { Fanout } from '../task/fanout.ts';
import type { TaskInput, TaskOutput } from '../task/stream-task.ts';
import type { TaskExceptionHandlerOption } from '../task/task-options-builder.ts';
import { TaskSet } from '../task/task-set.ts';
import type { Topology } from '../topology/topology.ts';
import { ManualClock } from './manual-clock.ts';
import { TestInputTopic } from './test-input-topic.ts';
import { TestOutputTopic } from './test-output-topic.ts';

/**
 * A StreamsConfig for the test hosts. As on Kafka, an exception handler may be
 * `{ deadLetterTopic }`: the failed record, as read, is then output to that topic.
 */
export interface TestDriverConfig extends Partial<Omit<StreamsConfig, 'deserializationExceptionHandler' | 'processingExceptionHandler'>> {
  /** What to do with a record whose bytes a serde cannot read: `'fail'` (default), `'log-and-continue'`, a handler, or `{ deadLetterTopic }`. */
  readonly deserializationExceptionHandler?: TaskExceptionHandlerOption;
  /** What to do when a user function throws: `'fail'` (default), `'log-and-continue'`, a handler, or `{ deadLetterTopic }`. */
  readonly processingExceptionHandler?: TaskExceptionHandlerOption;
}

/**
 * Runs a topology with no broker, synchronously: when `pipeInput` returns, the record and every
 * record it caused (through repartition topics too) has been processed, outputs are readable and
 * stores are up to date. It runs the same compiled tasks as the Kafka runtime, with serdes.
 *
 * ```ts
 * const driver = new TopologyTestDriver(topology);
 * const orders = driver.createInputTopic('orders', Serdes.String(), Serdes.Json<Order>());
 * orders.pipeInput('o-1', { item: 'laptop', quantity: 1 });
 * driver.getKeyValueStore<string, number>('item-quantity').get('laptop'); // 1
 * ```
 */
export class TopologyTestDriver {
  /** The config's `applicationId`, default `'topology-test-driver'`: the prefix of internal topic names. */
  readonly applicationId: string;
  private readonly clock: ManualClock;
  private readonly tasks: TaskSet;
  private readonly metricsRegistry: MetricsRegistry;
  private readonly inputs = new Map<string, Fanout<TaskInput>>();
  private readonly outputs = new Map<string, TaskOutput[]>();
  private readonly offsets = new Map<string, number>();
  private readonly pending: TaskInput[] = [];
  private draining = false;
  private failure: unknown;
  private closed = false;

  constructor(topology: Topology, config: TestDriverConfig = {}, initialWallClockTimeMs = Date.now()) {
    this.applicationId = config.applicationId ?? 'topology-test-driver';
    this.clock = new ManualClock(initialWallClockTimeMs);
    // As Kafka's driver: metrics measured on the mocked wall clock, under the thread id 'main'.
    this.metricsRegistry = new MetricsRegistry(metricConfig(config), () => this.clock.now());
    this.tasks = new TaskSet(topology, { ...config, applicationId: this.applicationId }, this.clock, true, (record) => this.capture(record), {
      registry: this.metricsRegistry,
      threadId: 'main',
    });
    for (const task of this.tasks.tasks) {
      const input = new Fanout<TaskInput>();
      input.pipe(task.pipeline).subscribe({
        next: (record) => this.capture(record),
        error: (error) => {
          this.failure ??= error;
        },
      });
      for (const topic of task.options.subTopology.sourceTopics) this.inputs.set(task.context.resolveTopic(topic), input);
    }
    // As Kafka's driver does: a processor whose init() throws fails the constructor, not a later pipeInput.
    if (this.failure !== undefined) {
      const failure = this.failure;
      this.close();
      throw failure;
    }
  }

  /**
   * A topic to pipe records into, serialized with these serdes, as Kafka's `TopologyTestDriver.createInputTopic`.
   * `startTimestamp` (ms) is the time of records piped without one, moved on by `autoAdvanceMs` after each;
   * without it they get the mocked wall-clock time. Throws for a topic the topology does not read.
   */
  createInputTopic<K, V>(
    topic: string,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
    options?: { startTimestamp?: number; autoAdvanceMs?: number },
  ): TestInputTopic<K, V> {
    if (!this.inputs.has(topic)) throw new StreamsException(`Unknown topic: ${topic}; the topology reads [${[...this.inputs.keys()].join(', ')}]`);
    return new TestInputTopic(topic, this, keySerde, valueSerde, options);
  }

  /** A topic to read what the topology wrote to it, deserialized with these serdes, as Kafka's `TopologyTestDriver.createOutputTopic`. */
  createOutputTopic<K, V>(topic: string, keySerde: Serde<K>, valueSerde: Serde<V>): TestOutputTopic<K, V> {
    return new TestOutputTopic(topic, this, keySerde, valueSerde);
  }

  /** Pipes one serialized record into a topic and processes everything it causes. */
  pipeSerialized(topic: string, key: Buffer | null, value: Buffer | null, timestamp: number | undefined, headers: RecordHeaders | undefined): void {
    this.assertUsable();
    this.enqueue({ topic, partition: 0, offset: this.nextOffset(topic), timestamp: timestamp ?? this.clock.now(), key, value, headers: headers ?? NO_HEADERS });
    this.drain();
  }

  /** Moves the mocked wall clock and fires the wall-clock punctuations that fell due. */
  advanceWallClockTime(ms: number): void {
    this.assertUsable();
    // What was processed so far counts at the time it was processed; latencies measure from the new time.
    this.syncMetrics();
    this.clock.advance(ms);
    this.syncMetrics();
    this.drain();
  }

  /** The topology's store of that name, as Kafka's `TopologyTestDriver.getStateStore`; throws InvalidStateStoreException when there is none. */
  getStateStore(name: string): StateStore {
    const store = this.tasks.store(name);
    if (store === undefined) throw new InvalidStateStoreException(`No state store named ${name}; the topology has [${this.tasks.storeNames().join(', ')}]`);
    return store;
  }

  /** The key-value store of that name, readable and writable; throws InvalidStateStoreException when there is none or it is another kind. */
  getKeyValueStore<K, V>(name: string): KeyValueStore<K, V> {
    const store = this.getStateStore(name);
    if (!isKeyValueStore(store)) throw new InvalidStateStoreException(`State store ${name} is not a key-value store`);
    return store as KeyValueStore<K, V>;
  }

  /** A windowed aggregation's store, read by key and window start. */
  getWindowStore<K, V>(name: string): ReadOnlyWindowStore<K, V> {
    return windowStoreView(this.getKeyValueStore<Windowed<K>, V>(name));
  }

  /** A session aggregation's store, read by key and session bounds. */
  getSessionStore<K, V>(name: string): ReadOnlySessionStore<K, V> {
    return sessionStoreView(this.getKeyValueStore<Windowed<K>, V>(name));
  }

  /**
   * The metrics of the tasks, their nodes and stores, as Kafka's driver has them: task
   * (`stream-task-metrics`, e.g. `dropped-records-total`), processor node (`record-e2e-latency-*`)
   * and state (`stream-state-metrics`) metrics; the DEBUG ones with `metricsRecordingLevel: 'DEBUG'`.
   */
  metrics(): MetricValue[] {
    return this.metricsRegistry.snapshot();
  }

  /** Every store of the topology, global ones included, by name, as Kafka's `TopologyTestDriver.getAllStateStores`. */
  getAllStateStores(): Map<string, StateStore> {
    return new Map(this.tasks.storeNames().map((name) => [name, this.tasks.store(name)!]));
  }

  /** Every topic the topology has written to, internal topics included. */
  producedTopicNames(): Set<string> {
    return new Set(this.outputs.keys());
  }

  /** Takes the next record written to the topic, still serialized; undefined when none is left. `TestOutputTopic` reads through it. */
  readOutput(topic: string): TaskOutput | undefined {
    return this.outputs.get(topic)?.shift();
  }

  /** How many records written to the topic have not been read yet. */
  queueSize(topic: string): number {
    return this.outputs.get(topic)?.length ?? 0;
  }

  /** Completes the inputs, which closes every processor and store. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const input of new Set(this.inputs.values())) input.complete();
    this.tasks.close();
  }

  private capture(record: TaskOutput): void {
    const queue = this.outputs.get(record.topic) ?? [];
    queue.push(record);
    this.outputs.set(record.topic, queue);
    // As Kafka's driver does: what goes to a topic the topology reads is processed again.
    if (this.inputs.has(record.topic)) {
      this.enqueue({
        topic: record.topic,
        partition: 0,
        offset: this.nextOffset(record.topic),
        timestamp: record.timestamp,
        key: record.key,
        value: record.value,
        headers: record.headers,
      });
    }
  }

  private enqueue(record: TaskInput): void {
    this.pending.push(record);
  }

  private drain(): void {
    if (this.draining) return;
    this.draining = true;

    try {
      for (let next = this.pending.shift(); next !== undefined; next = this.pending.shift()) {
        this.inputs.get(next.topic)!.next(next);
        if (this.failure !== undefined) {
          this.pending.length = 0;
          break;
        }
      }
    } finally {
      this.draining = false;
    }
    if (this.failure !== undefined) throw this.failure;
  }

  /** Moves the tasks' counts into their sensors at the mocked time (only when it moves: not per record). */
  private syncMetrics(): void {
    const now = this.clock.now();
    for (const task of this.tasks.tasks) task.context.metrics.sync(now);
  }

  private nextOffset(topic: string): number {
    const offset = this.offsets.get(topic) ?? 0;
    this.offsets.set(topic, offset + 1);
    return offset;
  }

  private assertUsable(): void {
    if (this.closed) throw new StreamsException('The TopologyTestDriver is closed');
    if (this.failure !== undefined) {
      throw new StreamsException(`The topology failed earlier and processes nothing more: ${(this.failure as Error).message}`, { cause: this.failure });
    }
  }
}
