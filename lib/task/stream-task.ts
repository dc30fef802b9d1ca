import { Observable, Subscription, share, type OperatorFunction } from 'rxjs';
import { SerializationException, StreamsException, type ErrorLocation } from '../errors.ts';
import type { EndToEndLatency } from '../metrics/end-to-end-latency.ts';
import type { Processor } from '../processor/processor.ts';
import type { ConsumedRecord, ProducedRecord, RecordHeaders, StreamRecord } from '../processor/record.ts';
import type { Serde } from '../serdes/serde.ts';
import type { NodeDef, ProcessorNodeDef, RecordStep, SinkNodeDef, SourceNodeDef } from '../topology/internal/node-defs.ts';
import { CallbackSubscriber } from './callback-subscriber.ts';
import { Fanout } from './fanout.ts';
import { ProcessorContextImpl } from './processor-context-impl.ts';
import { recordOperator, stepsOperator, withFieldsForm, type Emitter } from './record-operator.ts';
import { deserializeOrThrow, serializeOrThrow } from './serde-errors.ts';
import { TaskContext } from './task-context.ts';
import { TaskNode } from './task-node.ts';
import type { TaskOptions } from './task-options.ts';

type AnyRecord = StreamRecord<unknown, unknown>;
/** A record read from a topic partition: bytes in serialized mode, objects otherwise. */
export type TaskInput = ConsumedRecord<unknown, unknown>;
/** A record for a topic, serialized in serialized mode. */
export type TaskOutput = ProducedRecord<unknown, unknown>;

/** Each node's output, per child: children of one node share one run of it. */
type NodeOutput = (childName: string) => Observable<AnyRecord>;

interface SourceEntry {
  readonly node: SourceNodeDef;
  readonly subject: Fanout<AnyRecord>;
  readonly keySerde?: Serde<unknown>;
  readonly valueSerde?: Serde<unknown>;
  /** Where a record of this source failed: the task's current record at this node. */
  readonly locate: () => ErrorLocation;
  /** The source node's record-e2e-latency. */
  readonly e2e: EndToEndLatency;
  /** Nothing to deserialize and no timestamp extractor: a record with a valid timestamp goes on as read. */
  readonly plain: boolean;
  /** The largest timestamp read from this source's partition so far; -1 before the first. */
  partitionTime: number;
}

/**
 * One task: a sub-topology compiled for one partition into an RxJS pipeline from the records of
 * its input partitions to the records its sinks produce. Records run through it synchronously,
 * so when `next(record)` returns, its outputs have been emitted and its stores updated.
 */
export class StreamTask {
  readonly context: TaskContext;
  /** The task as an operator; it can be subscribed once. */
  readonly pipeline: OperatorFunction<TaskInput, TaskOutput>;
  private used = false;

  constructor(readonly options: TaskOptions) {
    this.context = new TaskContext(options);
    this.pipeline = (input$) => new Observable<TaskOutput>((subscriber) => this.run(input$, subscriber));
  }

  get id(): string {
    return this.context.taskId;
  }

  private run(input$: Observable<TaskInput>, subscriber: { next(r: TaskOutput): void; error(e: unknown): void; complete(): void }): () => void {
    if (this.used) throw new StreamsException(`Task ${this.id} is already running; build a new StreamTask to run it again`);
    this.used = true;
    const task = this.context;
    const subscription = new Subscription();
    const processors: Processor<unknown, unknown, unknown, unknown>[] = [];
    const outputs = new Map<string, NodeOutput>();
    const sources = new Map<string, SourceEntry>();
    /** Step nodes with a single child, whose chain that child may extend. */
    const chains = new Map<string, StepChain>();
    let pending = 1;
    const completeOne = (): void => {
      if (--pending === 0) subscriber.complete();
    };
    /** Subscribes a stream that ends in a sink or a childless node: for its errors and completion only. */
    const terminal = (stream: Observable<unknown>): void => {
      pending++;
      subscription.add(stream.subscribe(new CallbackSubscriber<unknown>({ error: (error) => task.fail(error), complete: completeOne })));
    };
    task.setFailureListener((error) => subscriber.error(error));

    const inputOf = (node: ProcessorNodeDef | SinkNodeDef): Observable<AnyRecord> => {
      const parents = node.parents.map((parent) => outputs.get(parent)!(node.name));
      return parents.length === 1
        ? parents[0]!
        : new Observable<AnyRecord>((s) => {
            const inner = new Subscription();
            let open = parents.length;
            for (const parent of parents)
              inner.add(parent.subscribe({ next: (r) => s.next(r), error: (e) => s.error(e), complete: () => --open === 0 && s.complete() }));
            return inner;
          });
    };

    for (const node of this.options.subTopology.nodes) {
      const runtime = new TaskNode(node.name, task, node.kind === 'processor' ? node.stores : new Set());
      if (node.kind === 'source') {
        const subject = new Fanout<AnyRecord>();
        outputs.set(node.name, fanOut(subject, node));
        const entry: SourceEntry = {
          node,
          subject,
          keySerde: node.keySerde ?? this.options.defaultKeySerde,
          valueSerde: wrapSerde(node.valueSerde ?? this.options.defaultValueSerde, node.valueSerdeWrapper),
          locate: () => task.location(node.name),
          e2e: task.metrics.endToEndLatency(node.name, true),
          plain: !this.options.serialized && !node.timestampExtractor,
          partitionTime: -1,
        };
        for (const topic of node.topics) sources.set(task.resolveTopic(topic), entry);
      } else if (node.kind === 'sink') {
        // A sink ends the line of steps before it, if any, and writes to the task's output itself.
        const upstream = node.parents.length === 1 ? chains.get(node.parents[0]!) : undefined;
        const sink = this.sinkStep(node, runtime, subscriber) as unknown as RecordStep;
        const stream = upstream ? upstream.input.pipe(stepsOperator([...upstream.steps, sink])) : inputOf(node).pipe(recordOperator(sink));
        terminal(stream);
      } else if (node.implementation.type === 'operator') {
        let stream: Observable<AnyRecord>;
        const step = node.implementation.step?.(runtime);
        if (step) {
          // Steps in a line (one parent, whose only child this is) run as one operator.
          const upstream = node.parents.length === 1 ? chains.get(node.parents[0]!) : undefined;
          const chain: StepChain = upstream ? { input: upstream.input, steps: [...upstream.steps, step] } : { input: inputOf(node), steps: [step] };
          if (node.children.length === 1) chains.set(node.name, chain);
          stream = chain.input.pipe(stepsOperator(chain.steps));
        } else {
          stream = inputOf(node).pipe(node.implementation.create(runtime));
        }
        outputs.set(node.name, fanOut(stream, node));
        if (node.children.length === 0) terminal(stream);
      } else {
        const children = new Map(node.children.map((child) => [child, new Fanout<AnyRecord>()]));
        outputs.set(node.name, (child) => children.get(child)!);
        const processor = node.implementation.supplier();
        processors.push(processor);
        try {
          processor.init?.(new ProcessorContextImpl(runtime, children));
        } catch (error) {
          task.fail(
            new StreamsException(`Processor ${node.name} failed to initialize: ${(error as Error).message}`, {
              cause: error,
              location: task.location(node.name),
            }),
          );
        }
        subscription.add(
          inputOf(node).subscribe(
            new CallbackSubscriber<AnyRecord>({
              next: (record) => {
                try {
                  processor.process(record);
                } catch (error) {
                  runtime.error(error);
                }
              },
              error: (error) => task.fail(error),
              complete: () => children.forEach((child) => child.complete()),
            }),
          ),
        );
      }
    }

    subscription.add(
      input$.subscribe(
        new CallbackSubscriber<TaskInput>({
          next: (record) => this.process(record, sources),
          error: (error) => task.fail(error),
          complete: () => {
            for (const entry of new Set(sources.values())) entry.subject.complete();
            completeOne();
          },
        }),
      ),
    );

    return () => {
      subscription.unsubscribe();
      for (const processor of processors) {
        try {
          processor.close?.();
        } catch (error) {
          task.logger.warn(`A processor threw while closing: ${(error as Error).message}`);
        }
      }
      task.close();
    };
  }

  /** The source of the last record's topic: most records come from the topic before them. */
  private lastTopic: string | undefined;
  private lastSource: SourceEntry | undefined;

  private process(input: TaskInput, sources: ReadonlyMap<string, SourceEntry>): void {
    const task = this.context;
    if (task.failure) return;
    let source = this.lastSource;
    if (input.topic !== this.lastTopic || source === undefined) {
      source = sources.get(input.topic);
      if (source !== undefined) {
        this.lastTopic = input.topic;
        this.lastSource = source;
      }
    }
    if (source === undefined) {
      task.fail(
        new StreamsException(
          `Task ${this.id} received a record from topic ${input.topic}, which it does not read; it reads [${[...sources.keys()].join(', ')}]`,
        ),
      );
      return;
    }
    task.current = input;
    const record = this.readRecord(input, source);
    if (record !== undefined) {
      task.metrics.recordLateness?.(task.streamTime, record.timestamp);
      task.advanceStreamTime(record.timestamp);
      // What metrics cost per record: a latency sum (which counts it too), moved into sensors per batch.
      source.e2e.record(record.timestamp);
      source.subject.next(record);
    }
    task.current = undefined;
    task.punctuateStreamTime();
  }

  /** Deserializes and timestamps an input record; undefined when a handler chose to skip it. */
  private readRecord(input: TaskInput, source: SourceEntry): AnyRecord | undefined {
    if (source.plain && input.timestamp >= 0) {
      if (input.timestamp > source.partitionTime) source.partitionTime = input.timestamp;
      return input;
    }
    const task = this.context;
    const nodeName = source.node.name;
    let key = input.key;
    let value = input.value;
    if (this.options.serialized) {
      try {
        key = deserializeOrThrow(requireSerde(source.keySerde, 'key', source.node, input.topic), input.topic, key, 'key', source.locate);
        value = deserializeOrThrow(requireSerde(source.valueSerde, 'value', source.node, input.topic), input.topic, value, 'value', source.locate);
      } catch (error) {
        if (error instanceof SerializationException) task.deserializationError(error);
        else task.fail(error);
        return undefined;
      }
    }
    let timestamp = input.timestamp;
    const extractor = source.node.timestampExtractor;
    if (extractor) {
      try {
        timestamp = extractor({ ...input, key, value }, source.partitionTime);
      } catch (error) {
        task.processingError(error, nodeName);
        return undefined;
      }
    }
    if (!(timestamp >= 0)) {
      const policy = this.options.invalidTimestamp ?? 'fail';
      const message = `Record has an invalid timestamp ${timestamp}`;
      if (policy === 'log-and-skip') {
        task.logger.warn(`${message}; skipping it (invalidTimestamp: 'log-and-skip')`, task.location(nodeName) as Record<string, unknown>);
        task.metrics.droppedRecords++;
        return undefined;
      }
      if (policy !== 'use-partition-time' || source.partitionTime < 0) {
        const why = policy === 'use-partition-time' ? ' and no partition time is known yet to use instead' : '';
        task.fail(
          new StreamsException(
            `${message}${why}; give the source a timestampExtractor that returns a time >= 0, ` +
              "or set invalidTimestamp to 'log-and-skip' or 'use-partition-time'",
            { location: task.location(nodeName) },
          ),
        );
        return undefined;
      }
      timestamp = source.partitionTime;
    }
    if (timestamp > source.partitionTime) source.partitionTime = timestamp;
    // A consumed record already is a StreamRecord: pass it on as is when nothing about it changed.
    return key === input.key && value === input.value && timestamp === input.timestamp ? input : { key, value, timestamp, headers: input.headers };
  }

  /** The step of a sink: it writes to `out`, the task's output, rather than to its operator's subscriber (one call less per record). */
  private sinkStep(node: SinkNodeDef, runtime: TaskNode, out: Emitter<TaskOutput>): (record: AnyRecord) => void {
    const task = this.context;
    const { serialized, partitionCount } = this.options;
    const fixedTopic = typeof node.topic === 'string' ? task.resolveTopic(node.topic) : undefined;
    const extractor = typeof node.topic === 'function' ? node.topic : undefined;
    const keySerde = node.keySerde ?? this.options.defaultKeySerde;
    const valueSerde = wrapSerde(node.valueSerde ?? this.options.defaultValueSerde, node.valueSerdeWrapper);
    const location = () => task.location(node.name);
    const e2e = task.metrics.endToEndLatency(node.name, false);
    if (fixedTopic && !node.partitioner && !serialized) {
      // The common in-process sink: no topic or partition to choose, nothing to serialize.
      return withFieldsForm(
        (record: AnyRecord) => {
          try {
            e2e.record(record.timestamp);
            out.next({ topic: fixedTopic, key: record.key, value: record.value, timestamp: record.timestamp, headers: record.headers });
          } catch (error) {
            runtime.error(error);
          }
        },
        {
          emitsFields: false,
          run: (key, value, timestamp, headers) => {
            try {
              e2e.record(timestamp);
              out.next({ topic: fixedTopic, key, value, timestamp, headers });
            } catch (error) {
              runtime.error(error);
            }
          },
        },
      );
    }
    const write = (recordKey: unknown, recordValue: unknown, timestamp: number, headers: RecordHeaders): void => {
      try {
        const topic = fixedTopic ?? extractor!(recordKey, recordValue, task.current);
        if (typeof topic !== 'string' || !topic)
          throw new StreamsException(`The topic name extractor of sink ${node.name} returned ${String(topic)}, not a topic name`);
        let partition: number | undefined;
        if (node.partitioner) {
          const count = partitionCount?.(topic) ?? 1;
          partition = node.partitioner(topic, recordKey, recordValue, count);
          if (partition !== undefined && !(Number.isInteger(partition) && partition >= 0 && partition < count)) {
            throw new StreamsException(`The partitioner of sink ${node.name} chose partition ${partition} for topic ${topic}, which has ${count}`);
          }
        }
        let key = recordKey;
        let value = recordValue;
        if (serialized) {
          key = serializeOrThrow(requireSerde(keySerde, 'key', node, topic), topic, key, 'key', location);
          value = serializeOrThrow(requireSerde(valueSerde, 'value', node, topic), topic, value, 'value', location);
        }
        e2e.record(timestamp);
        out.next(partition === undefined ? { topic, key, value, timestamp, headers } : { topic, partition, key, value, timestamp, headers });
      } catch (error) {
        runtime.error(error);
      }
    };
    return withFieldsForm((record: AnyRecord) => write(record.key, record.value, record.timestamp, record.headers), { emitsFields: false, run: write });
  }
}

interface StepChain {
  readonly input: Observable<AnyRecord>;
  readonly steps: readonly RecordStep[];
}

/** Children of one node share a single run of it; a lone child needs no multicast. */
function fanOut(stream: Observable<AnyRecord>, node: NodeDef): NodeOutput {
  if (node.children.length <= 1) return () => stream;
  const shared = stream.pipe(share());
  return () => shared;
}

function wrapSerde(serde: Serde<unknown> | undefined, wrapper: ((inner: Serde<unknown>) => Serde<unknown>) | undefined): Serde<unknown> | undefined {
  return serde && wrapper ? wrapper(serde) : serde;
}

function requireSerde(serde: Serde<unknown> | undefined, part: 'key' | 'value', node: NodeDef, topic: string): Serde<unknown> {
  if (serde) return serde;
  const option = node.kind === 'source' ? `consumed ${part}Serde` : `produced ${part}Serde`;
  throw new StreamsException(
    `${node.kind === 'source' ? 'Source' : 'Sink'} ${node.name} has no ${part} serde for topic ${topic}: ` +
      `pass ${option} or set default${part === 'key' ? 'Key' : 'Value'}Serde in the config`,
  );
}
