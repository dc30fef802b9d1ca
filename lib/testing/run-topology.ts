import { Observable, Subject, asyncScheduler, map, type SchedulerLike, type Subscription } from 'rxjs';
import type { StreamsConfig } from '../config.ts';
import { InvalidStateStoreException, StreamsException } from '../errors.ts';
import { NO_HEADERS, type KeyValue, type ProducedRecord, type RecordHeaders } from '../processor/record.ts';
import type { ReadOnlyKeyValueStore } from '../state/key-value-store.ts';
import type { Clock } from '../task/clock.ts';
import type { StreamTask, TaskInput, TaskOutput } from '../task/stream-task.ts';
import { TaskSet } from '../task/task-set.ts';
import type { Topology } from '../topology/topology.ts';

/** A record as `runTopology` takes it: already deserialized; the timestamp defaults to the scheduler's now(). */
export interface InputRecord<K = unknown, V = unknown> {
  readonly key: K;
  readonly value: V;
  readonly timestamp?: number;
  readonly headers?: RecordHeaders;
}

export interface RunTopologyOptions extends Partial<StreamsConfig> {
  /** The clock of record timestamps and wall-clock punctuations. Default: asyncScheduler (virtual in TestScheduler.run). */
  readonly scheduler?: SchedulerLike;
}

/** A running topology: its output topics as Observables and its stores. */
export interface TopologyRun {
  output<K = unknown, V = unknown>(topic: string): Observable<KeyValue<K, V>>;
  records<K = unknown, V = unknown>(topic: string): Observable<ProducedRecord<K, V>>;
  store<K = unknown, V = unknown>(name: string): ReadOnlyKeyValueStore<K, V>;
}

/**
 * Runs a topology over Observables, one per input topic, with no broker and no serdes: records go
 * in as objects and come out as objects. The run starts when the first output is subscribed, so
 * subscribe to every output you want before the inputs emit (as `expectObservable` does).
 * Outputs complete when every input has completed, and error when the topology fails.
 *
 * ```ts
 * testScheduler.run(({ cold, expectObservable }) => {
 *   const orders = cold('-a-b|', { a: { key: 'o1', value: order1 }, b: { key: 'o2', value: order2 } });
 *   const run = runTopology(topology, { orders });
 *   expectObservable(run.output('item-quantity')).toBe('-x-y|', { x: { key: 'laptop', value: 1 }, y: { key: 'laptop', value: 3 } });
 * });
 * ```
 */
export function runTopology(topology: Topology, inputs: Readonly<Record<string, Observable<InputRecord>>>, options: RunTopologyOptions = {}): TopologyRun {
  const scheduler = options.scheduler ?? asyncScheduler;
  const clock: Clock = {
    now: () => scheduler.now(),
    setTimer: (delayMs, callback) => {
      const action = scheduler.schedule(callback, delayMs);
      return () => action.unsubscribe();
    },
  };
  const tasks = new TaskSet(topology, { ...options, applicationId: options.applicationId ?? 'run-topology' }, clock, false);
  for (const topic of Object.keys(inputs)) {
    if (!tasks.taskByTopic.has(topic)) throw new StreamsException(`runTopology: the topology does not read topic ${topic}; it reads [${[...tasks.taskByTopic.keys()].join(', ')}]`);
  }
  const outputs = new Map<string, Subject<TaskOutput>>();
  const outputSubject = (topic: string): Subject<TaskOutput> => {
    let subject = outputs.get(topic);
    if (!subject) outputs.set(topic, (subject = new Subject<TaskOutput>()));
    return subject;
  };
  let started = false;
  const start = (): void => {
    if (started) return;
    started = true;
    new TopologyRunner(tasks, inputs, scheduler, outputSubject, () => outputs.values()).start();
  };
  const records = <K, V>(topic: string): Observable<ProducedRecord<K, V>> =>
    new Observable<ProducedRecord<K, V>>((subscriber) => {
      const subscription = (outputSubject(topic) as unknown as Subject<ProducedRecord<K, V>>).subscribe(subscriber);
      start();
      return subscription;
    });
  return {
    records,
    output: <K, V>(topic: string) => records<K, V>(topic).pipe(map(({ key, value }) => ({ key, value }))),
    store: <K, V>(name: string): ReadOnlyKeyValueStore<K, V> => {
      const lookup = (): ReadOnlyKeyValueStore<K, V> => {
        const store = tasks.store(name);
        if (store === undefined) throw new InvalidStateStoreException(`No state store named ${name}; the topology has [${tasks.storeNames().join(', ')}]`);
        return store as unknown as ReadOnlyKeyValueStore<K, V>;
      };
      lookup();
      return {
        get: (key) => lookup().get(key),
        range: (from, to) => lookup().range(from, to),
        all: () => lookup().all(),
        approximateNumEntries: () => lookup().approximateNumEntries(),
      };
    },
  };
}

/**
 * Wires the tasks together: user inputs and upstream outputs feed each task's input, a task's
 * input completes when everything that writes to its topics has completed.
 */
class TopologyRunner {
  private readonly taskInputs = new Map<StreamTask, Subject<TaskInput>>();
  private readonly writersLeft = new Map<StreamTask, number>();
  private readonly offsets = new Map<string, number>();
  private readonly subscriptions: Subscription[] = [];
  private tasksLeft: number;
  private failed = false;

  constructor(
    private readonly tasks: TaskSet,
    private readonly inputs: Readonly<Record<string, Observable<InputRecord>>>,
    private readonly scheduler: SchedulerLike,
    private readonly outputSubject: (topic: string) => Subject<TaskOutput>,
    private readonly allOutputs: () => Iterable<Subject<TaskOutput>>,
  ) {
    this.tasksLeft = tasks.tasks.length;
  }

  start(): void {
    const { tasks } = this;
    for (const task of tasks.tasks) {
      this.taskInputs.set(task, new Subject<TaskInput>());
      this.writersLeft.set(task, 0);
    }
    const downstreamOf = new Map<StreamTask, Set<StreamTask>>();
    for (const task of tasks.tasks) {
      const readers = new Set<StreamTask>();
      for (const topic of task.options.subTopology.sinkTopics) {
        const reader = tasks.taskByTopic.get(task.context.resolveTopic(topic));
        if (reader) readers.add(reader);
      }
      downstreamOf.set(task, readers);
      for (const reader of readers) this.writersLeft.set(reader, this.writersLeft.get(reader)! + 1);
    }
    for (const topic of Object.keys(this.inputs)) {
      const reader = tasks.taskByTopic.get(topic)!;
      this.writersLeft.set(reader, this.writersLeft.get(reader)! + 1);
    }

    for (const task of tasks.tasks) {
      this.subscriptions.push(
        this.taskInputs.get(task)!.pipe(task.pipeline).subscribe({
          next: (record) => this.route(record),
          error: (error) => this.fail(error),
          complete: () => {
            for (const reader of downstreamOf.get(task)!) this.writerDone(reader);
            if (--this.tasksLeft === 0) for (const output of this.allOutputs()) output.complete();
          },
        }),
      );
    }
    for (const task of tasks.tasks) if (this.writersLeft.get(task) === 0) this.taskInputs.get(task)!.complete();
    for (const [topic, input$] of Object.entries(this.inputs)) {
      const reader = tasks.taskByTopic.get(topic)!;
      this.subscriptions.push(
        input$.subscribe({
          next: (record) => this.deliver(topic, record.key, record.value, record.timestamp ?? this.scheduler.now(), record.headers ?? NO_HEADERS),
          error: (error) => this.fail(error),
          complete: () => this.writerDone(reader),
        }),
      );
    }
  }

  private route(record: TaskOutput): void {
    this.outputSubject(record.topic).next(record);
    if (this.tasks.taskByTopic.has(record.topic)) this.deliver(record.topic, record.key, record.value, record.timestamp, record.headers);
  }

  private deliver(topic: string, key: unknown, value: unknown, timestamp: number, headers: RecordHeaders): void {
    if (this.failed) return;
    const offset = this.offsets.get(topic) ?? 0;
    this.offsets.set(topic, offset + 1);
    this.taskInputs.get(this.tasks.taskByTopic.get(topic)!)!.next({ topic, partition: 0, offset, timestamp, key, value, headers });
  }

  private writerDone(task: StreamTask): void {
    const left = this.writersLeft.get(task)! - 1;
    this.writersLeft.set(task, left);
    if (left === 0) this.taskInputs.get(task)!.complete();
  }

  private fail(error: unknown): void {
    if (this.failed) return;
    this.failed = true;
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    for (const output of this.allOutputs()) output.error(error);
  }
}
