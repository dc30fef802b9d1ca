import type { Topology } from '../../../lib/index.ts';

/** What an input topic carries: Integer values, or String values "fk#n" read by foreign-key joins. */
export type InputKind = 'int' | 'fk';

/**
 * One topology of the differential suite, built here with our DSL and, under the same name, in
 * conformance/java/ with Kafka Streams'. Both read and write the same topics with the same serdes.
 */
export interface ConformanceTopology {
  readonly name: string;
  /** Input topics and what they carry, in the order the generator interleaves them. */
  readonly inputs: readonly { readonly topic: string; readonly kind: InputKind }[];
  /**
   * Whether the inputs have null keys now and then. Only where the topology is about them:
   * an aggregation of ours fails at a null key where Kafka drops the record (D1 in
   * docs/conformance.md), which would hide every later difference of the case.
   */
  readonly nullKeys: boolean;
  /** Topics read after every input record, in this order. */
  readonly outputs: readonly string[];
  build(): Topology;
}
