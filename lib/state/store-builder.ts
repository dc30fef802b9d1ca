import type { Serde } from '../serdes/serde.ts';
import type { StateStore } from './state-store.ts';

/**
 * Describes a store so that every task can build its own instance of it.
 * Logging (a changelog topic per store) is on by default, as in Kafka Streams.
 */
export interface StoreBuilder<S extends StateStore> {
  readonly name: string;
  readonly keySerde?: Serde<unknown>;
  readonly valueSerde?: Serde<unknown>;
  readonly loggingEnabled: boolean;
  withLoggingDisabled(): StoreBuilder<S>;
  withLoggingEnabled(): StoreBuilder<S>;
  build(): S;
}
