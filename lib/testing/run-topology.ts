import { Observable, asyncScheduler, map, type SchedulerLike, type Subscription } from 'rxjs';
import { InvalidStateStoreException, StreamsException } from '../errors.ts';
import { NO_HEADERS, type KeyValue, type ProducedRecord, type RecordHeaders } from '../processor/record.ts';
import type { ReadOnlyKeyValueStore } from '../state/key-value-store.ts';
import { CallbackSubscriber } from '../task/callback-subscriber.ts';
import type { Clock } from '../task/clock.ts';
import { Fanout } from '../task/fanout.ts';
import type { StreamTask, TaskInput, TaskOutput } from '../task/stream-task.ts';
import { TaskSet } from '../task/task-set.ts';
import type { Topology } from '../topology/topology.ts';
import type { TestDriverConfig } from './topology-test-driver.ts';

/** A record as `runTopology` takes it: already deserialized; the timestamp defaults to the scheduler's now(). */
export interface InputRecord<K = unknown, V = unknown> {
  /** The record's key, as the topology's source reads it. */
  readonly key: K;
  /** The record's value, as the topology's source reads it. */
  readonly value: V;
  /** The record's timestamp in milliseconds; default the scheduler's now(). */
  readonly timestamp?: number;
  /** The record's headers; default none. */
  readonly headers?: RecordHeaders;
}

export interface RunTopologyOptions extends TestDriverConfig {
  /** The clock of record timestamps and wall-clock punctuations. Default: asyncScheduler (virtual in TestScheduler.run). */
  readonly scheduler?: SchedulerLike;
}

/** A running topology: its output topics as Observables and its stores. */
export interface TopologyRun {
  /** The keys and values the topology writes to the topic; subscribing starts the run. */
  output<K = unknown, V = unknown>(topic: string): Observable<KeyValue<K, V>>;
  /** The whole records (timestamp, headers, partition...) the topology writes to the topic; subscribing starts the run. */
  records<K = unknown, V = unknown>(topic: string): Observable<ProducedRecord<K, V>>;
  /** A read-only view of the store; throws InvalidStateStoreException when the topology has no store of that name. */
  store<K = unknown, V = unknown>(name: string): ReadOnlyKeyValueStore<K, V>;
}

/**
 * Runs a topology over Observables, one per input topic, with no broker and no serdes: records go
 * in as objects and come out as objects. The run starts when the first output is subscribed, so
 * subscribe to every output you want before the inputs emit (as `expectObservable` does).
 * Outputs complete when every input has completed, and error when the topology fails.
 * `store(name)` reads a store while the run goes on and, once it has ended, what the store held then.
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
  let runner: TopologyRunner | undefined;
  // Tasks only emit once the run has started, so the runner is there to route dead letters.
  const tasks = new TaskSet(topology, { ...options, applicationId: options.applicationId ?? 'run-topology' }, clock, false, (record) => runner!.route(record));
  for (const topic of Object.keys(inputs)) {
    if (!tasks.taskByTopic.has(topic))
      throw new StreamsException(`runTopology: the topology does not read topic ${topic}; it reads [${[...tasks.taskByTopic.keys()].join(', ')}]`);
  }
  const outputs = new Map<string, Fanout<TaskOutput>>();
  const outputSubject = (topic: string): Fanout<TaskOutput> => {
    let subject = outputs.get(topic);
    if (!subject) outputs.set(topic, (subject = new Fanout<TaskOutput>()));
    return subject;
  };
  let started = false;
  const start = (): void => {
    if (started) return;
    started = true;
    runner = new TopologyRunner(tasks, inputs, scheduler, outputSubject, () => outputs.values());
    runner.start();
  };
  const records = <K, V>(topic: string): Observable<ProducedRecord<K, V>> =>
    new Observable<ProducedRecord<K, V>>((subscriber) => {
      const subscription = (outputSubject(topic) as unknown as Fanout<ProducedRecord<K, V>>).subscribe(subscriber);
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
  private readonly taskInputs = new Map<StreamTask, Fanout<TaskInput>>();
  /**
   * Tasks that feed each other through internal topics (a foreign-key join) form one group, and
   * complete together once everything outside the group that writes to it has completed.
   */
  private readonly groupOf = new Map<StreamTask, StreamTask[]>();
  private readonly writersLeft = new Map<StreamTask[], number>();
  /** Per topic: where its records go, with the topic's own offset counter. */
  private readonly deliverers = new Map<string, (record: InputRecord) => void>();
  /** Per output topic: its output Observable, then the task that reads it, if any. */
  private readonly routes = new Map<string, (record: TaskOutput) => void>();
  private lastTopic: string | undefined;
  private lastRoute: ((record: TaskOutput) => void) | undefined;
  private readonly subscriptions: Subscription[] = [];
  private tasksLeft: number;
  private failed = false;

  constructor(
    private readonly tasks: TaskSet,
    private readonly inputs: Readonly<Record<string, Observable<InputRecord>>>,
    private readonly scheduler: SchedulerLike,
    private readonly outputSubject: (topic: string) => Fanout<TaskOutput>,
    private readonly allOutputs: () => Iterable<Fanout<TaskOutput>>,
  ) {
    this.tasksLeft = tasks.tasks.length;
  }

  start(): void {
    const { tasks } = this;
    for (const task of tasks.tasks) this.taskInputs.set(task, new Fanout<TaskInput>());
    for (const [topic, task] of tasks.taskByTopic) {
      const input = this.taskInputs.get(task)!;
      let offset = 0;
      // Takes user inputs and records routed from other tasks alike: one call per record.
      this.deliverers.set(topic, (record) => {
        if (!this.failed)
          input.next({
            topic,
            partition: 0,
            offset: offset++,
            timestamp: record.timestamp ?? this.scheduler.now(),
            key: record.key,
            value: record.value,
            headers: record.headers ?? NO_HEADERS,
          });
      });
    }
    const downstreamOf = new Map<StreamTask, Set<StreamTask>>();
    for (const task of tasks.tasks) {
      const readers = new Set<StreamTask>();
      for (const topic of task.options.subTopology.sinkTopics) {
        const reader = tasks.taskByTopic.get(task.context.resolveTopic(topic));
        if (reader) readers.add(reader);
      }
      downstreamOf.set(task, readers);
    }
    this.groupTasks(downstreamOf);
    for (const group of new Set(this.groupOf.values())) this.writersLeft.set(group, 0);
    for (const [writer, readers] of downstreamOf) {
      for (const reader of readers) if (this.groupOf.get(reader) !== this.groupOf.get(writer)) this.countWriter(reader);
      // Within a group, records go around without completing anyone.
      downstreamOf.set(writer, new Set([...readers].filter((reader) => this.groupOf.get(reader) !== this.groupOf.get(writer))));
    }
    for (const topic of Object.keys(this.inputs)) this.countWriter(tasks.taskByTopic.get(topic)!);

    for (const task of tasks.tasks) {
      this.subscriptions.push(
        this.taskInputs
          .get(task)!
          .pipe(task.pipeline)
          .subscribe(
            new CallbackSubscriber<TaskOutput>({
              next: (record) => this.route(record),
              error: (error) => this.fail(error),
              complete: () => {
                for (const reader of downstreamOf.get(task)!) this.writerDone(reader);
                if (--this.tasksLeft === 0) for (const output of this.allOutputs()) output.complete();
              },
            }),
          ),
      );
    }
    for (const [group, left] of this.writersLeft) if (left === 0) for (const task of group) this.taskInputs.get(task)!.complete();
    for (const [topic, input$] of Object.entries(this.inputs)) {
      const reader = tasks.taskByTopic.get(topic)!;
      const deliver = this.deliverers.get(topic)!;
      this.subscriptions.push(
        input$.subscribe(
          new CallbackSubscriber<InputRecord>({
            next: deliver,
            error: (error) => this.fail(error),
            complete: () => this.writerDone(reader),
          }),
        ),
      );
    }
  }

  /** Sends a task's output to its topic's Observable, then to the task reading that topic, if any. */
  route(record: TaskOutput): void {
    // Most runs write one topic: its route is kept at hand.
    if (record.topic === this.lastTopic) return this.lastRoute!(record);
    let route = this.routes.get(record.topic);
    if (!route) {
      const output = this.outputSubject(record.topic);
      const deliver = this.deliverers.get(record.topic);
      route = deliver ? (r) => (output.next(r), deliver(r)) : (r) => output.next(r);
      this.routes.set(record.topic, route);
    }
    this.lastTopic = record.topic;
    this.lastRoute = route;
    route(record);
  }

  private countWriter(reader: StreamTask): void {
    const group = this.groupOf.get(reader)!;
    this.writersLeft.set(group, this.writersLeft.get(group)! + 1);
  }

  private writerDone(reader: StreamTask): void {
    const group = this.groupOf.get(reader)!;
    const left = this.writersLeft.get(group)! - 1;
    this.writersLeft.set(group, left);
    if (left === 0) for (const task of group) this.taskInputs.get(task)!.complete();
  }

  /** Groups tasks that reach each other through topics (strongly connected); others stand alone. */
  private groupTasks(downstreamOf: ReadonlyMap<StreamTask, ReadonlySet<StreamTask>>): void {
    const reach = (from: StreamTask): Set<StreamTask> => {
      const seen = new Set<StreamTask>();
      const stack = [from];
      while (stack.length > 0) for (const next of downstreamOf.get(stack.pop()!) ?? []) if (!seen.has(next) && (seen.add(next), true)) stack.push(next);
      return seen;
    };
    const reachable = new Map(this.tasks.tasks.map((task) => [task, reach(task)]));
    for (const task of this.tasks.tasks) {
      if (this.groupOf.has(task)) continue;
      const group = [task, ...this.tasks.tasks.filter((other) => other !== task && reachable.get(task)!.has(other) && reachable.get(other)!.has(task))];
      for (const member of group) this.groupOf.set(member, group);
    }
  }

  private fail(error: unknown): void {
    if (this.failed) return;
    this.failed = true;
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    for (const output of this.allOutputs()) output.error(error);
  }
}
