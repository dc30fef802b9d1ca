import type { Logger } from '../logger.ts';
import type { TaskMetricsScope } from '../metrics/task-metrics.ts';
import type { Serde } from '../serdes/serde.ts';
import type { RecordCacheBudget } from '../state/record-cache.ts';
import type { StateStore } from '../state/state-store.ts';
import type { StoreBuilder } from '../state/store-builder.ts';
import type { SubTopology } from '../topology/internal/topology-plan.ts';
import type { TopologyGraph } from '../topology/internal/topology-graph.ts';
import type { Clock } from './clock.ts';
import type { ExceptionHandler } from './exception-handlers.ts';

/** Kafka Streams' FailOnInvalidTimestamp, LogAndSkipOnInvalidTimestamp, UsePartitionTimeOnInvalidTimestamp. */
export type InvalidTimestampPolicy = 'fail' | 'log-and-skip' | 'use-partition-time';

/** Everything a host (driver, runTopology, Kafka runtime) gives a task it creates. */
export interface TaskOptions {
  readonly applicationId: string;
  readonly graph: TopologyGraph;
  readonly subTopology: SubTopology;
  readonly partition: number;
  /** True when inputs are Buffers to deserialize and outputs must be serialized. */
  readonly serialized: boolean;
  readonly defaultKeySerde?: Serde<unknown>;
  readonly defaultValueSerde?: Serde<unknown>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Global stores, shared by every task of the host. */
  readonly globalStores: ReadonlyMap<string, StateStore>;
  /** Builds a store for this task; hosts wrap it with logging and persistence. */
  readonly buildStore?: (builder: StoreBuilder<StateStore>, taskId: string) => StateStore;
  /** Partition count of an output topic, for custom partitioners; undefined when unknown. */
  readonly partitionCount?: (topic: string) => number | undefined;
  readonly onProcessingError?: ExceptionHandler;
  readonly onDeserializationError?: ExceptionHandler;
  /** What to do with a record whose timestamp is negative. Default 'fail'. */
  readonly invalidTimestamp?: InvalidTimestampPolicy;
  readonly appConfigs?: Readonly<Record<string, unknown>>;
  /** The instance's record cache budget; without one, tables forward every update at once. */
  readonly recordCache?: RecordCacheBudget;
  /** Where the task's metrics go; without it the task keeps them in a registry of its own. */
  readonly metrics?: TaskMetricsScope;
}
