import { StreamsException } from '../../errors.ts';
import type { Serde } from '../../serdes/serde.ts';
import type { StreamPartitioner } from '../../topology/internal/node-defs.ts';
import type { InternalStreamsBuilder } from './internal-streams-builder.ts';
import { nodeStep } from './record-step.ts';

export interface RepartitionOptions {
  readonly keySerde?: Serde<unknown>;
  readonly valueSerde?: Serde<unknown>;
  readonly valueSerdeWrapper?: (inner: Serde<unknown>) => Serde<unknown>;
  readonly partitioner?: StreamPartitioner;
  readonly numberOfPartitions?: number;
  /** Add the key guard node (streams); table repartitions check keys in their mapper instead. */
  readonly guardKeys: boolean;
  /**
   * Table repartitions (no key guard) name their sink and source after the aggregation's own name
   * (`<name>-sink`), else generate them; never after the topic, as Kafka Streams' KGroupedTableImpl.
   */
  readonly operationName?: string;
}

/**
 * Routes a stream through the topic `<prefix>-repartition` (prefixed with the application id at run
 * time), so records land on the task that owns their new key. Returns the name of the source
 * node that reads the topic back. Node names follow Kafka Streams: generated names when the
 * prefix is generated, `<topic>-sink|-filter|-source` when the user named it.
 */
export function addRepartition(builder: InternalStreamsBuilder, parent: string, prefix: string, options: RepartitionOptions): string {
  const generatedSink = builder.newProcessorName('KSTREAM-SINK-');
  const generatedFilter = options.guardKeys ? builder.newProcessorName('KSTREAM-FILTER-') : undefined;
  const generatedSource = builder.newProcessorName('KSTREAM-SOURCE-');
  const topic = prefix.endsWith('-repartition') ? prefix : `${prefix}-repartition`;
  const generated = /^KSTREAM.*-[0-9]{10}$/.test(prefix) || /^KTABLE.*-[0-9]{10}$/.test(prefix);
  const byTopic = options.guardKeys && !generated;
  const byOperation = !options.guardKeys && options.operationName !== undefined;
  const sinkName = byTopic ? `${topic}-sink` : byOperation ? `${options.operationName}-sink` : generatedSink;
  const filterName = byTopic ? `${topic}-filter` : generatedFilter;
  const sourceName = byTopic ? `${topic}-source` : byOperation ? `${options.operationName}-source` : generatedSource;
  if (options.numberOfPartitions !== undefined && !(Number.isInteger(options.numberOfPartitions) && options.numberOfPartitions > 0)) {
    throw new StreamsException(`Repartition topic ${topic} needs a positive whole number of partitions, got ${options.numberOfPartitions}`);
  }
  const graph = builder.graph;
  graph.addInternalTopic({ name: topic, numberOfPartitions: options.numberOfPartitions });
  let sinkParent = parent;
  if (filterName !== undefined) {
    graph.addProcessor({ kind: 'processor', name: filterName, parents: [parent], children: [], stores: new Set(), implementation: keyGuard(topic) });
    sinkParent = filterName;
  }
  graph.addSink({
    kind: 'sink',
    name: sinkName,
    parents: [sinkParent],
    children: [],
    topic,
    keySerde: options.keySerde,
    valueSerde: options.valueSerde,
    valueSerdeWrapper: options.valueSerdeWrapper,
    partitioner: options.partitioner,
  });
  graph.addSource({
    kind: 'source',
    name: sourceName,
    topics: [topic],
    keySerde: options.keySerde,
    valueSerde: options.valueSerde,
    valueSerdeWrapper: options.valueSerdeWrapper,
    children: [],
  });
  return sourceName;
}

/**
 * A repartitioned record without a key has no task to go to: that is an error, not a silent drop.
 * The location points the user at the input record that lost its key.
 */
function keyGuard(topic: string) {
  return nodeStep<unknown, unknown, unknown, unknown>((node) => (record, out) => {
    if (record.key === null || record.key === undefined) {
      throw new StreamsException(
        `A record with a null key cannot be grouped or repartitioned (through ${topic}); ` +
          `give it a key with selectKey, map or groupBy first, or filter such records out`,
        { location: node.task.location(node.name) },
      );
    }
    out.next(record);
  });
}
