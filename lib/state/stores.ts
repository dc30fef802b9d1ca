import { TopologyException } from '../errors.ts';
import type { Serde } from '../serdes/serde.ts';
import { InMemoryKeyValueStore } from './in-memory-key-value-store.ts';
import type { KeyValueStore } from './key-value-store.ts';
import type { StoreBuilder } from './store-builder.ts';

class KeyValueStoreBuilder<K, V> implements StoreBuilder<KeyValueStore<K, V>> {
  constructor(
    readonly name: string,
    readonly keySerde: Serde<K> | undefined,
    readonly valueSerde: Serde<V> | undefined,
    readonly loggingEnabled: boolean,
    readonly cachingEnabled: boolean,
    readonly changelogConfig: Readonly<Record<string, string>> = {},
  ) {}

  // As Kafka's AbstractStoreBuilder: disabling logging drops the configs, enabling replaces them.
  withLoggingDisabled(): StoreBuilder<KeyValueStore<K, V>> {
    return new KeyValueStoreBuilder(this.name, this.keySerde, this.valueSerde, false, this.cachingEnabled);
  }

  withLoggingEnabled(changelogConfig: Readonly<Record<string, string>> = {}): StoreBuilder<KeyValueStore<K, V>> {
    return new KeyValueStoreBuilder(this.name, this.keySerde, this.valueSerde, true, this.cachingEnabled, checkedTopicConfig(this.name, changelogConfig));
  }

  withCachingEnabled(): StoreBuilder<KeyValueStore<K, V>> {
    return new KeyValueStoreBuilder(this.name, this.keySerde, this.valueSerde, this.loggingEnabled, true, this.changelogConfig);
  }

  withCachingDisabled(): StoreBuilder<KeyValueStore<K, V>> {
    return new KeyValueStoreBuilder(this.name, this.keySerde, this.valueSerde, this.loggingEnabled, false, this.changelogConfig);
  }

  build(): KeyValueStore<K, V> {
    return new InMemoryKeyValueStore<K, V>(this.name, this.keySerde, this.valueSerde);
  }
}

/** Topic configs travel to the broker as strings: anything else is a mistake found here rather than at start. */
function checkedTopicConfig(storeName: string, config: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new TopologyException(`Store ${storeName}: changelog topic configs must be an object of strings, e.g. { 'retention.ms': '86400000' }`);
  }
  for (const [name, value] of Object.entries(config)) {
    if (typeof value !== 'string') {
      throw new TopologyException(
        `Store ${storeName}: changelog topic config ${name} must be a string, e.g. '${String(value)}'; got ${typeof value} ${String(value)}`,
      );
    }
  }
  return { ...config };
}

/**
 * Factories for state stores, for the Processor API.
 *
 * ```ts
 * topology.addStateStore(Stores.keyValueStoreBuilder('counts', Serdes.String(), Serdes.Int()), 'counter');
 * ```
 */
export const Stores = {
  /**
   * A builder of an in-memory key-value store named `name`, logged and not cached, as Kafka Streams'
   * `Stores.keyValueStoreBuilder`. The serdes order the keys and write the changelog; without them the
   * config's `defaultKeySerde` and `defaultValueSerde` write it. Throws TypeError for an empty name.
   */
  keyValueStoreBuilder<K, V>(name: string, keySerde?: Serde<K>, valueSerde?: Serde<V>): StoreBuilder<KeyValueStore<K, V>> {
    if (!name) throw new TypeError('A store needs a non-empty name');
    return new KeyValueStoreBuilder<K, V>(name, keySerde, valueSerde, true, false);
  },
} as const;
