import type { Logger } from './logger.ts';
import type { MetricsSettings } from './metrics/metric-config.ts';
import type { Serde } from './serdes/serde.ts';
import type { ExceptionHandlerOption } from './task/exception-handlers.ts';
import type { InvalidTimestampPolicy } from './task/task-options.ts';

/** Settings shared by every host of a topology: the Kafka runtime and the test helpers. */
export interface StreamsConfig extends MetricsSettings {
  /** Names the consumer group, and prefixes internal topics: `<applicationId>-<name>-repartition`. */
  readonly applicationId: string;
  /**
   * The serde of keys where the topology names none (Kafka's default.key.serde).
   * Typed `unknown`: the topology's own generics say what the keys are, not this setting.
   */
  readonly defaultKeySerde?: Serde<unknown>;
  /** The serde of values where the topology names none (Kafka's default.value.serde). */
  readonly defaultValueSerde?: Serde<unknown>;
  /** What to do with a record whose bytes a serde cannot read. Default `'fail'`. */
  readonly deserializationExceptionHandler?: ExceptionHandlerOption;
  /** What to do when a user function throws. Default `'fail'`. */
  readonly processingExceptionHandler?: ExceptionHandlerOption;
  /**
   * Where log lines go. Default: stderr at `info` for the Kafka runtime (`KafkaStreams`), and at `warn` for
   * `TopologyTestDriver` and `runTopology`.
   */
  readonly logger?: Logger;
  /** A record with a negative timestamp: `'fail'` (default), `'log-and-skip'`, or `'use-partition-time'`. */
  readonly invalidTimestamp?: InvalidTimestampPolicy;
}
