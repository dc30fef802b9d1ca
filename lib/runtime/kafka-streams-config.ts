import type { ConsumerConfig, KafkaConfig, ProducerConfig } from 'kafkajs';
import type { StreamsConfig } from '../config.ts';
import type { LogLevel } from '../logger.ts';
import type { TaskExceptionHandlerOption } from '../task/task-options-builder.ts';
import type { StoreFactories } from './task-stores.ts';

export type { DeadLetterQueue } from '../task/dead-letter.ts';

/** `'fail'`, `'log-and-continue'`, a handler function, or `{ deadLetterTopic }`. */
export type RuntimeExceptionHandlerOption = TaskExceptionHandlerOption;

/**
 * The settings of a {@link KafkaStreams} instance: the StreamsConfig a topology runs with (application id, serdes...),
 * plus how to reach Kafka and how the runtime commits, restores, replicates and paces its tasks.
 */
export interface KafkaStreamsConfig extends Omit<StreamsConfig, 'deserializationExceptionHandler' | 'processingExceptionHandler'> {
  /** Any kafkajs client config: brokers, SSL, SASL, retry... */
  readonly kafka: KafkaConfig;
  /**
   * `'at_least_once'` (default): offsets are committed after the outputs are acknowledged.
   * `'exactly_once_v2'`: outputs, changelog writes and offsets commit in one transaction per task.
   */
  readonly processingGuarantee?: 'at_least_once' | 'exactly_once_v2';
  /** How often processed offsets are committed. Default 30000 (100 under exactly-once), as in Kafka Streams. */
  readonly commitIntervalMs?: number;
  /**
   * Keyv backends for the state stores, by store name or `default`, e.g.
   * `{ default: (namespace) => new Keyv(), 'item-quantity': (namespace) => new Keyv(new KeyvRedis(url)) }`.
   * Without a factory a store persists to an in-memory Keyv.
   */
  readonly stores?: StoreFactories;
  /**
   * The folder under which stores kept on disk (`stores: { default: 'lmdb' }`) live, as Kafka
   * Streams' `state.dir`: `<stateDir>/<applicationId>/<taskId>/<store>`. Each instance on a machine
   * needs its own (a task folder in use by another instance is an error naming it). Default: the
   * `kafka-streams` folder under the OS temp directory, as Kafka's default.
   */
  readonly stateDir?: string;
  /**
   * How long the folder of a task that this instance no longer runs is kept before it is deleted
   * (checked that often), as Kafka Streams' `state.cleanup.delay.ms`: a task that comes back
   * sooner reopens its store and replays only the changelog's tail. Default 600,000 (10 min).
   */
  readonly stateCleanupDelayMs?: number;
  /**
   * Bytes (estimated) that the record caches of this instance's tables may hold together: an
   * aggregation's updates to one key are merged until the next commit and only the latest goes
   * downstream, as Kafka Streams' `statestore.cache.max.bytes`. Default 10 MB; 0 forwards every
   * update. `Materialized.cachingEnabled: false` turns it off for one table.
   */
  readonly statestoreCacheMaxBytes?: number;
  /**
   * `host:port` where this instance serves interactive queries (an endpoint of your own). It
   * travels in the group assignment, so that every instance can say which one hosts a key:
   * `queryMetadataForKey`, `streamsMetadataForStore`, `metadataForAllStreamsClients`.
   */
  readonly applicationServer?: string;
  /**
   * Group members this instance runs, each with its own consumer and tasks, as Kafka Streams'
   * `num.stream.threads`. Default 1. Without `threadModule` they share this process's event
   * loop: they split the tasks and overlap their I/O, but do not use more cores.
   */
  readonly numStreamThreads?: number;
  /**
   * Runs the stream threads on `worker_threads`, so that one process uses several cores: a module
   * (path or URL) whose default export returns `{ topology, config }`. Each worker imports it and
   * runs its own group member with that topology and config; stores live in the workers, so
   * this instance reads them with `asyncStore()`.
   */
  readonly threadModule?: string | URL;
  /** Standby replicas of each stateful task on other instances, kept current from the changelogs. Default 0. */
  readonly numStandbyReplicas?: number;
  /** An instance at most this many changelog records behind on a task counts as caught up for it. Default 10,000. */
  readonly acceptableRecoveryLag?: number;
  /** At most this many warm-up replicas (standbys that catch up before a task moves) at once. Default 2. */
  readonly maxWarmupReplicas?: number;
  /** How soon after an assignment with warm-ups the group rebalances again to move warmed-up tasks. Default 600,000 (10 min). */
  readonly probingRebalanceIntervalMs?: number;
  /** How often `metrics$` emits a snapshot of every metric. Default 10,000. */
  readonly metricsIntervalMs?: number;
  /**
   * How long a task whose input partition has nothing fetched (and nothing more on the broker, as
   * far as it knows) waits for it before processing its other partitions' records, as Kafka
   * Streams' `max.task.idle.ms`. A task always processes the oldest of its fetched records next,
   * and always waits for a partition known to have records it has not fetched yet. Default 0
   * (no waiting beyond that); -1 processes records as they are fetched, never waiting.
   */
  readonly maxTaskIdleMs?: number;
  /** Fetched records a task buffers per input partition before fetching that partition pauses, as Kafka's `buffered.records.per.partition`. Default 1000. */
  readonly bufferedRecordsPerPartition?: number;
  /**
   * How long a task may keep failing for a reason that can pass (the broker or a store backend
   * unreachable, a coordinator moving) before the instance gives up and goes to ERROR, as Kafka
   * Streams' `task.timeout.ms`. Until then the task is retried and, under exactly-once, started
   * again from what was committed. Default 300,000 (5 min).
   */
  readonly taskTimeoutMs?: number;
  /**
   * After how long a task that has input it does not process (no record processed, restored or
   * committed) counts as stuck: the liveness check then logs what it waits for and starts it
   * again. Default 60,000.
   */
  readonly taskStallTimeoutMs?: number;
  /**
   * Replicas of each partition of the internal topics (repartition topics and changelogs) the
   * instance creates, as Kafka Streams' `replication.factor`. Default -1: the broker's
   * `default.replication.factor`. Topics that exist already keep theirs.
   */
  readonly replicationFactor?: number;
  /**
   * How often the records of repartition topics that are committed are deleted (Kafka's
   * DeleteRecords, up to each partition's committed offset), as Kafka Streams'
   * `repartition.purge.interval.ms`: repartition topics never delete by age, so this is what
   * keeps them small. A purge follows a commit, so purges come no more often than commits.
   * Default 30,000.
   */
  readonly repartitionPurgeIntervalMs?: number;
  /**
   * Added to a window, session or join store's retention to make its changelog's `retention.ms`
   * (those changelogs are `compact,delete`; others are `compact`), a margin for clock drift, as
   * Kafka Streams' `windowstore.changelog.additional.retention.ms`. Default 86,400,000 (1 day).
   */
  readonly windowstoreChangelogAdditionalRetentionMs?: number;
  /** How many partitions are processed at once (their I/O overlaps). Default 4. */
  readonly maxConcurrentTasks?: number;
  /**
   * What to do with a record whose bytes a serde cannot read, as Kafka Streams'
   * `deserialization.exception.handler`. Default `'fail'`; `{ deadLetterTopic }` produces the
   * record as read to that topic, with `__streams.errors.*` headers, and goes on.
   */
  readonly deserializationExceptionHandler?: RuntimeExceptionHandlerOption;
  /**
   * What to do when a user function throws, as Kafka Streams' `processing.exception.handler`.
   * Default `'fail'`; `{ deadLetterTopic }` produces the input record to that topic, with
   * `__streams.errors.*` headers, and goes on.
   */
  readonly processingExceptionHandler?: RuntimeExceptionHandlerOption;
  /** kafkajs' own log level. Default 'warn'. */
  readonly kafkaLogLevel?: LogLevel;
  /** Overrides for the group consumer (session timeout, heartbeat, max wait...). */
  readonly consumer?: Partial<Omit<ConsumerConfig, 'groupId'>>;
  /**
   * Producer settings: of the thread's producer under at-least-once, of each task's transactional
   * producer under exactly-once, where `transactionalId`, `idempotent` and `maxInFlightRequests`
   * stay the library's (as Kafka Streams overrides them).
   */
  readonly producer?: Partial<ProducerConfig>;
}
