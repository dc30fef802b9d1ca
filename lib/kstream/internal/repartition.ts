import { StreamsException } from '../../errors.ts';
import type { Serde } from '../../serdes/serde.ts';
import type { StreamPartitioner } from '../../topology/internal/node-defs.ts';
import type { InternalStreamsBuilder } from './internal-streams-builder.ts';
import { recordStep } from './record-step.ts';

export interface RepartitionOptions {
  readonly keySerde?: Serde<unknown>;
  readonly valueSerde?: Serde<unknown>;
  readonly valueSerdeWrapper?: (inner: Serde<unknown>) => Serde<unknown>;
  readonly partitioner?: StreamPartitioner;
  readonly numberOfPartitions?: number;
  /** Add the key guard node (streams); table repartitions check keys in their mapper instead. */
  readonly guardKeys: boolean;
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
  const sinkName = generated ? generatedSink : `${topic}-sink`;
  const filterName = generated ? generatedFilter : `${topic}-filter`;
  const sourceName = generated ? generatedSource : `${topic}-source`;
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

/** A repartitioned record without a key has no task to go to: that is an error, not a silent drop. */
function keyGuard(topic: string) {
  return recordStep<unknown, unknown, unknown, unknown>((record, out) => {
    if (record.key === null || record.key === undefined) {
      throw new StreamsException(
        `A record with a null key cannot be grouped or repartitioned (through ${topic}); ` + `give it a key with selectKey, map or groupBy first, or filter such records out`,
      );
    }
    out.next(record);
  });
}
