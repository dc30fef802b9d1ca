// The public API of rx-kafka-streams. Test helpers are also published as 'rx-kafka-streams/testing'.
export { StreamsBuilder } from './kstream/streams-builder.ts';
export type { KStream } from './kstream/kstream.ts';
export type { BranchedKStream } from './kstream/branched-kstream.ts';
export type { KGroupedStream } from './kstream/kgrouped-stream.ts';
export type { CogroupedKStream } from './kstream/cogrouped-kstream.ts';
export type { Consumed, Produced, Grouped, Materialized, Repartitioned, Joined, StreamJoined } from './kstream/options.ts';
export type { KTable } from './ktable/ktable.ts';
export type { KGroupedTable } from './ktable/kgrouped-table.ts';
export type { GlobalKTable } from './ktable/global-ktable.ts';
export type { Change } from './ktable/change.ts';
export { TimeWindows } from './windows/time-windows.ts';
export { JoinWindows } from './windows/join-windows.ts';
export { SessionWindows } from './windows/session-windows.ts';
export { SlidingWindows } from './windows/sliding-windows.ts';
export { SessionWindowedSerde } from './windows/session-windowed-serde.ts';
export type { SessionWindowedKStream } from './windows/session-windowed-kstream.ts';
export { TimeWindowedSerde } from './windows/time-windowed-serde.ts';
export type { TimeWindowedKStream } from './windows/time-windowed-kstream.ts';
export type { Window, Windowed } from './windows/windowed.ts';
export { Suppressed, BufferConfig } from './windows/suppressed.ts';

export { Topology, type SourceOptions, type SinkOptions } from './topology/topology.ts';
export { TopologyDescription, type NodeDescription, type SubtopologyDescription } from './topology/topology-description.ts';
export type { TimestampExtractor, TopicNameExtractor, StreamPartitioner } from './topology/internal/node-defs.ts';

export type { Processor, ProcessorContext, ProcessorSupplier } from './processor/processor.ts';
export type { ProcessingContext } from './processor/processing-context.ts';
export type { FixedKeyProcessor, FixedKeyProcessorContext, FixedKeyProcessorSupplier } from './processor/fixed-key-processor.ts';
export { FixedKeyRecord } from './processor/fixed-key-record.ts';
export type { PunctuationType, Punctuator, Cancellable } from './processor/punctuation.ts';
export {
  NO_HEADERS,
  type StreamRecord,
  type RecordContext,
  type RecordHeaders,
  type ConsumedRecord,
  type ProducedRecord,
  type KeyValue,
} from './processor/record.ts';

export { Stores } from './state/stores.ts';
export type { StoreBuilder } from './state/store-builder.ts';
export type { StateStore, StateStoreContext } from './state/state-store.ts';
export type { KeyValueStore, ReadOnlyKeyValueStore } from './state/key-value-store.ts';
export { windowStoreView, sessionStoreView, type ReadOnlyWindowStore, type ReadOnlySessionStore } from './state/window-store.ts';
export { InMemoryKeyValueStore } from './state/in-memory-key-value-store.ts';

export { Serdes } from './serdes/serdes.ts';
export type { Serde } from './serdes/serde.ts';

export type { StreamsConfig } from './config.ts';
export type { ExceptionHandler, ExceptionHandlerOption, ExceptionHandlerResponse } from './task/exception-handlers.ts';
export { consoleLogger, type Logger, type LogLevel } from './logger.ts';
export {
  StreamsException,
  TopologyException,
  SerializationException,
  InvalidStateStoreException,
  KeyvBackendException,
  ProcessingException,
  type ErrorLocation,
} from './errors.ts';

export { TopologyTestDriver, TestInputTopic, TestOutputTopic, runTopology } from './testing/index.ts';
export type { TestRecord, InputRecord, TopologyRun, RunTopologyOptions } from './testing/index.ts';

export { KafkaStreams, type TaskRestoreProgress, type ThreadMetadata, type TaskMetadata } from './runtime/kafka-streams.ts';
export type { HostInfo, StreamsMetadata, KeyQueryMetadata } from './runtime/streams-metadata.ts';
export type { StoreQueryOptions } from './runtime/queryable-stores.ts';
export type { AsyncReadOnlyKeyValueStore } from './runtime/async-stores.ts';
export type { StreamThreadState } from './runtime/stream-thread.ts';
export type { TopicPartition } from './kafka/topic-partition.ts';
export type { KafkaStreamsConfig, DeadLetterQueue, RuntimeExceptionHandlerOption } from './runtime/kafka-streams-config.ts';
export type { StreamsState } from './runtime/streams-state.ts';
export { fromTopic, type FromTopicOptions } from './kafka/from-topic.ts';

export type { MetricName, MetricValue, MetricTags } from './metrics/metric-name.ts';
export type { RecordingLevel } from './metrics/recording-level.ts';
export type { MetricsSettings } from './metrics/metric-config.ts';
export { findMetrics, metricSum, type MetricQuery } from './metrics/metric-sum.ts';
export { toTopic, type ToTopicOptions, type ToTopicRecord } from './kafka/to-topic.ts';
