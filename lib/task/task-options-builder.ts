import { StreamsException } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { TaskMetricsScope } from '../metrics/task-metrics.ts';
import type { Serde } from '../serdes/serde.ts';
import type { RecordCacheBudget } from '../state/record-cache.ts';
import type { StateStore } from '../state/state-store.ts';
import type { SubTopology } from '../topology/internal/topology-plan.ts';
import type { TopologyGraph } from '../topology/internal/topology-graph.ts';
import type { Clock } from './clock.ts';
import { deadLetterHandler, logDroppedDeadLetter, type DeadLetterQueue } from './dead-letter.ts';
import { resolveExceptionHandler, type ExceptionHandler, type ExceptionHandlerOption } from './exception-handlers.ts';
import type { TaskOutput } from './stream-task.ts';
import type { InvalidTimestampPolicy, TaskOptions } from './task-options.ts';

/** `'fail'`, `'log-and-continue'`, a handler of your own, or `{ deadLetterTopic }`. */
export type TaskExceptionHandlerOption = ExceptionHandlerOption | DeadLetterQueue;

/**
 * The settings a task takes from its host's config. A StreamsConfig and a KafkaStreamsConfig
 * both fit, so hosts pass their config whole: a setting added here reaches every host at once.
 */
export interface TaskConfig {
  readonly applicationId: string;
  readonly defaultKeySerde?: Serde<unknown>;
  readonly defaultValueSerde?: Serde<unknown>;
  readonly deserializationExceptionHandler?: TaskExceptionHandlerOption;
  readonly processingExceptionHandler?: TaskExceptionHandlerOption;
  readonly invalidTimestamp?: InvalidTimestampPolicy;
}

/** What one host (driver, runTopology, a Kafka stream thread, the global stores) shares among its tasks. */
export interface TaskHost {
  readonly config: TaskConfig;
  readonly graph: TopologyGraph;
  /** True when inputs are Buffers to deserialize and outputs must be serialized. */
  readonly serialized: boolean;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly globalStores: ReadonlyMap<string, StateStore>;
  readonly partitionCount?: (topic: string) => number | undefined;
  /** Without one, tables forward every update at once (as Kafka's TopologyTestDriver does). */
  readonly recordCache?: RecordCacheBudget;
  /** Where the tasks' metrics go (the host's registry and thread). */
  readonly metrics?: TaskMetricsScope;
}

/** What differs between the tasks of one host. */
export interface TaskSpec {
  readonly subTopology: SubTopology;
  readonly partition: number;
  readonly buildStore?: TaskOptions['buildStore'];
  /**
   * Sends a record with the task's outputs: where a `{ deadLetterTopic }` handler's records go.
   * Required for such a handler, except on a global task, whose dead letters are then logged and
   * dropped, as Kafka Streams (and its TopologyTestDriver) do for global processors.
   */
  readonly emit?: (record: TaskOutput) => void;
}

/** The options of one task of a host: the one place where hosts' settings become TaskOptions. */
export function buildTaskOptions(host: TaskHost, task: TaskSpec): TaskOptions {
  const { config } = host;
  const emit = task.emit ?? (task.subTopology.global ? logDroppedDeadLetter(host.logger, `${task.subTopology.id}_${task.partition}`) : undefined);
  return {
    applicationId: config.applicationId,
    graph: host.graph,
    subTopology: task.subTopology,
    partition: task.partition,
    serialized: host.serialized,
    defaultKeySerde: config.defaultKeySerde,
    defaultValueSerde: config.defaultValueSerde,
    clock: host.clock,
    logger: host.logger,
    globalStores: host.globalStores,
    buildStore: task.buildStore,
    partitionCount: host.partitionCount,
    onProcessingError: resolveHandler('processingExceptionHandler', config.processingExceptionHandler, emit),
    onDeserializationError: resolveHandler('deserializationExceptionHandler', config.deserializationExceptionHandler, emit),
    invalidTimestamp: config.invalidTimestamp,
    recordCache: host.recordCache,
    metrics: host.metrics,
  };
}

function resolveHandler(setting: string, option: TaskExceptionHandlerOption | undefined, emit: ((record: TaskOutput) => void) | undefined): ExceptionHandler {
  if (typeof option !== 'object' || option === null) return resolveExceptionHandler(option);
  const topic: unknown = option.deadLetterTopic;
  if (typeof topic !== 'string' || topic === '') {
    throw new StreamsException(`${setting} { deadLetterTopic: ${JSON.stringify(topic)} } needs a topic name`);
  }
  // A stream task without emit could only drop its dead letters unseen: a host bug, not a setting.
  if (emit === undefined)
    throw new StreamsException(`${setting} { deadLetterTopic: '${topic}' } needs a host that can send records; this task was given no emit`);
  return deadLetterHandler(topic, emit);
}
