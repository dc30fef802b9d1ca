import type { Serde } from '../serdes/serde.ts';
import type { StateStore } from './state-store.ts';

/**
 * Describes a store so that every task can build its own instance of it.
 * Logging (a changelog topic per store) is on by default, as in Kafka Streams. Caching (merging a
 * table's updates per key until the next commit) is on for the DSL's grouped aggregations (not
 * session, sliding-window or cogrouped ones) and off for Processor API stores, whose processors
 * forward what they like.
 */
export interface StoreBuilder<S extends StateStore> {
  /** The store's name, unique in the topology; processors ask for the store by it, and it names the changelog topic. */
  readonly name: string;
  /** Serializes the keys for the changelog and orders them; undefined uses the config's `defaultKeySerde`. */
  readonly keySerde?: Serde<unknown>;
  /** Serializes the values for the changelog; undefined uses the config's `defaultValueSerde`. */
  readonly valueSerde?: Serde<unknown>;
  /** True when every change is written to a changelog topic (`<applicationId>-<name>-changelog`) that restores the store. */
  readonly loggingEnabled: boolean;
  /**
   * Topic configs the changelog topic is created with, over the runtime's defaults (`cleanup.policy`
   * `compact`), as Kafka Streams' `StoreBuilder.logConfig()`; empty when logging is off.
   */
  readonly changelogConfig: Readonly<Record<string, string>>;
  /** True when, under the Kafka runtime, a table's updates per key are merged in a record cache until the next commit. */
  readonly cachingEnabled: boolean;
  /** A copy of this builder whose stores write no changelog, as Kafka Streams' `withLoggingDisabled()`. */
  withLoggingDisabled(): StoreBuilder<S>;
  /**
   * A copy of this builder whose stores write every change to a changelog topic, created with
   * `changelogConfig` over the defaults, as Kafka Streams' `withLoggingEnabled(config)`:
   * `builder.withLoggingEnabled({ 'min.insync.replicas': '2' })`. The topic is created once: an
   * existing changelog keeps its configs.
   */
  withLoggingEnabled(changelogConfig?: Readonly<Record<string, string>>): StoreBuilder<S>;
  /** A copy of this builder whose table updates go through a record cache. */
  withCachingEnabled(): StoreBuilder<S>;
  /** A copy of this builder whose table updates are forwarded one by one. */
  withCachingDisabled(): StoreBuilder<S>;
  /** A new, unopened store; each task calls it once. */
  build(): S;
}
