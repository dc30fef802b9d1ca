import type { KStream } from './kstream.ts';

/**
 * The branches of a `split()`. Each record goes to the first branch whose predicate holds.
 * The result maps `prefix + name` (or `prefix + position`, counting from 1; the default branch
 * is `prefix + '0'` when unnamed) to each branch's stream, as Kafka Streams' BranchedKStream.
 */
export interface BranchedKStream<K, V> {
  /** Adds a branch for the records its predicate holds for and no earlier branch took; returns this split, to chain. */
  branch(predicate: (key: K, value: V) => boolean, name?: string): BranchedKStream<K, V>;
  /** Adds a branch for the records no predicate took, ends the split, and returns the branches by name. */
  defaultBranch(name?: string): Record<string, KStream<K, V>>;
  /** Ends the split, dropping the records no predicate took, and returns the branches by name. */
  noDefaultBranch(): Record<string, KStream<K, V>>;
}
