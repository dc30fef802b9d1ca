import type { Serde } from '../serdes/serde.ts';
import type { StateStore } from './state-store.ts';

/**
 * Describes a store so that every task can build its own instance of it.
 * Logging (a changelog topic per store) is on by default, as in Kafka Streams. Caching (merging a
 * table's updates per key until the next commit) is on for the DSL's tables and off for
 * Processor API stores, whose processors forward what they like.
 */
export interface StoreBuilder<S extends StateStore> {
  readonly name: string;
  readonly keySerde?: Serde<unknown>;
  readonly valueSerde?: Serde<unknown>;
  readonly loggingEnabled: boolean;
  readonly cachingEnabled: boolean;
  withLoggingDisabled(): StoreBuilder<S>;
  withLoggingEnabled(): StoreBuilder<S>;
  withCachingEnabled(): StoreBuilder<S>;
  withCachingDisabled(): StoreBuilder<S>;
  build(): S;
}
