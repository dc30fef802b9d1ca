import type { KStream } from './kstream.ts';

/**
 * The branches of a `split()`. Each record goes to the first branch whose predicate holds.
 * The result maps `prefix + name` (or `prefix + position`, counting from 1; the default branch
 * is `prefix + '0'` when unnamed) to each branch's stream, as Kafka Streams' BranchedKStream.
 */
export interface BranchedKStream<K, V> {
  branch(predicate: (key: K, value: V) => boolean, name?: string): BranchedKStream<K, V>;
  defaultBranch(name?: string): Record<string, KStream<K, V>>;
  noDefaultBranch(): Record<string, KStream<K, V>>;
}
