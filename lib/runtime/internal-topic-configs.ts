import type { ITopicConfig } from 'kafkajs';
import type { StoreRegistration } from '../topology/internal/topology-graph.ts';

// How Kafka Streams creates its internal topics (streams/.../processor/internals/
// InternalTopicConfig.java and its subclasses, InternalTopicManager.java): the library's defaults,
// then a store's own changelog configs over them. Kafka's `topic.*` settings, which sit between
// the two there, have no counterpart in this library.

/** The settings every internal topic is created with. */
export interface InternalTopicSettings {
  /** Replicas of each partition; -1 leaves it to the broker's `default.replication.factor`. */
  readonly replicationFactor: number;
  /** Added to a windowed store's retention for its changelog's `retention.ms`. */
  readonly windowstoreChangelogAdditionalRetentionMs: number;
}

/** Every internal topic keeps the producer's timestamps, which stream time and windows are made of (INTERNAL_TOPIC_DEFAULT_OVERRIDES). */
const INTERNAL_TOPIC_DEFAULTS: Readonly<Record<string, string>> = { 'message.timestamp.type': 'CreateTime' };

/**
 * RepartitionTopicConfig: records are never deleted by age (a task behind by a day would lose
 * input), only purged once committed (RepartitionPurger). The 50 MB segments let a purge free
 * disk soon; Kafka dropped its `segment.ms` override in KIP-443.
 */
const REPARTITION_TOPIC_DEFAULTS: Readonly<Record<string, string>> = {
  ...INTERNAL_TOPIC_DEFAULTS,
  'cleanup.policy': 'delete',
  'segment.bytes': '52428800',
  'retention.ms': '-1',
};

/** UnwindowedUnversionedChangelogTopicConfig: the latest value of each key, for ever. */
const KEY_VALUE_CHANGELOG_DEFAULTS: Readonly<Record<string, string>> = { ...INTERNAL_TOPIC_DEFAULTS, 'cleanup.policy': 'compact' };

/** WindowedChangelogTopicConfig: windows the store has dropped leave the changelog by age too. */
const WINDOWED_CHANGELOG_DEFAULTS: Readonly<Record<string, string>> = { ...INTERNAL_TOPIC_DEFAULTS, 'cleanup.policy': 'compact,delete' };

/** A topic to create, with its partition count and replication factor always set. */
export type InternalTopic = ITopicConfig & { readonly numPartitions: number; readonly replicationFactor: number };

/** Java's Long.MAX_VALUE, where Kafka's Math.addExact overflow lands. */
const LONG_MAX = 2n ** 63n - 1n;

/** A repartition topic (or a foreign-key join's subscription topic: Kafka makes those repartition topics too). */
export function repartitionTopic(topic: string, numPartitions: number, settings: InternalTopicSettings): InternalTopic {
  return { topic, numPartitions, replicationFactor: settings.replicationFactor, configEntries: configEntries(REPARTITION_TOPIC_DEFAULTS) };
}

/**
 * A store's changelog topic: compacted, or for a window, session or join store compacted and
 * deleted after the store's retention plus `windowstoreChangelogAdditionalRetentionMs` (a margin
 * for clocks and restores), unless the store's own configs set `retention.ms`. The store's
 * configs (`withLoggingEnabled(config)`, `Materialized.changelogConfig`) override the defaults.
 */
export function changelogTopic(topic: string, numPartitions: number, store: StoreRegistration, settings: InternalTopicSettings): InternalTopic {
  const own = store.builder.changelogConfig;
  const config: Record<string, string> =
    store.windowRetentionMs === undefined ? { ...KEY_VALUE_CHANGELOG_DEFAULTS, ...own } : { ...WINDOWED_CHANGELOG_DEFAULTS, ...own };
  if (store.windowRetentionMs !== undefined && own['retention.ms'] === undefined) {
    config['retention.ms'] = addRetention(store.windowRetentionMs, settings.windowstoreChangelogAdditionalRetentionMs);
  }
  return { topic, numPartitions, replicationFactor: settings.replicationFactor, configEntries: configEntries(config) };
}

/** The sum as a Java long would hold it: past Long.MAX_VALUE it stays there, as Kafka's overflow does. */
function addRetention(retentionMs: number, additionalMs: number): string {
  const sum = BigInt(Math.ceil(retentionMs)) + BigInt(additionalMs);
  return String(sum > LONG_MAX ? LONG_MAX : sum);
}

function configEntries(config: Readonly<Record<string, string>>): { name: string; value: string }[] {
  return Object.entries(config).map(([name, value]) => ({ name, value }));
}
