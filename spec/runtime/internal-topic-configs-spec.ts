import { expect } from 'chai';
import {
  JoinWindows,
  Serdes,
  SessionWindows,
  SlidingWindows,
  Stores,
  StreamsBuilder,
  TimeWindows,
  Topology,
  type KStream,
  type KeyValueStore,
  type Processor,
  type ProcessorContext,
  type StreamRecord,
} from '../../lib/index.ts';
import { changelogTopic, repartitionTopic, type InternalTopic, type InternalTopicSettings } from '../../lib/runtime/internal-topic-configs.ts';
import { graphOf } from '../../lib/topology/topology.ts';

// The configs Kafka Streams creates internal topics with: RepartitionTopicConfig,
// UnwindowedUnversionedChangelogTopicConfig, WindowedChangelogTopicConfig (apache/kafka,
// streams/src/main/java/org/apache/kafka/streams/processor/internals/).
describe('Internal topic configs', () => {
  const settings: InternalTopicSettings = { replicationFactor: -1, windowstoreChangelogAdditionalRetentionMs: 86_400_000 };
  const day = 86_400_000;

  function configOf(topic: InternalTopic): Record<string, string> {
    return Object.fromEntries((topic.configEntries ?? []).map(({ name, value }) => [name, value]));
  }

  /** The changelog config of each store of the topology, by store name. */
  function changelogConfigs(topology: Topology, topicSettings = settings): Record<string, Record<string, string>> {
    const stores = [...graphOf(topology).stores].filter(([, store]) => store.builder.loggingEnabled);
    return Object.fromEntries(stores.map(([name, store]) => [name, configOf(changelogTopic(`app-${name}-changelog`, 1, store, topicSettings))]));
  }

  function words(builder: StreamsBuilder): KStream<string, string> {
    return builder.stream<string, string>('words', { keySerde: Serdes.String(), valueSerde: Serdes.String() });
  }

  it('creates repartition topics to delete, never by age, in 50 MB segments, with CreateTime timestamps', () => {
    const topic = repartitionTopic('app-by-word-repartition', 4, { ...settings, replicationFactor: 3 });

    expect(topic).to.include({ topic: 'app-by-word-repartition', numPartitions: 4, replicationFactor: 3 });
    expect(configOf(topic)).to.deep.equal({
      'message.timestamp.type': 'CreateTime',
      'cleanup.policy': 'delete',
      'segment.bytes': '52428800',
      'retention.ms': '-1',
    });
  });

  it('compacts a key-value store changelog', () => {
    const builder = new StreamsBuilder();
    words(builder).groupByKey().count({ storeName: 'counts' });

    expect(changelogConfigs(builder.build())).to.deep.equal({ counts: { 'message.timestamp.type': 'CreateTime', 'cleanup.policy': 'compact' } });
  });

  it("compacts and deletes a windowed store's changelog after the store's retention plus windowstoreChangelogAdditionalRetentionMs", () => {
    const builder = new StreamsBuilder();
    const grouped = words(builder).groupByKey();
    grouped.windowedBy(TimeWindows.ofSizeAndGrace(60_000, 5_000)).count({ storeName: 'tumbling' });
    grouped.windowedBy(TimeWindows.ofSizeWithNoGrace(60_000)).count({ storeName: 'kept-an-hour', retentionMs: 3_600_000 });
    grouped.windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(10_000, 2_000)).count({ storeName: 'sliding' });
    grouped.windowedBy(SessionWindows.ofInactivityGapAndGrace(30_000, 1_000)).count({ storeName: 'sessions' });

    const configs = changelogConfigs(builder.build());
    for (const name of ['tumbling', 'kept-an-hour', 'sliding', 'sessions']) expect(configs[name]!['cleanup.policy']).to.equal('compact,delete');
    // Kafka's retentionPeriod(): size + grace, the Materialized retention, 2 * difference + grace, gap + grace.
    expect(configs['tumbling']!['retention.ms']).to.equal(String(65_000 + day));
    expect(configs['kept-an-hour']!['retention.ms']).to.equal(String(3_600_000 + day));
    expect(configs['sliding']!['retention.ms']).to.equal(String(22_000 + day));
    expect(configs['sessions']!['retention.ms']).to.equal(String(31_000 + day));
    const noMargin = changelogConfigs(builder.build(), { ...settings, windowstoreChangelogAdditionalRetentionMs: 0 });
    expect(noMargin['tumbling']!['retention.ms']).to.equal('65000');
  });

  it('caps a windowed retention past Long.MAX_VALUE at Long.MAX_VALUE, as Math.addExact overflowing does in Kafka', () => {
    const builder = new StreamsBuilder();
    words(builder).groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(1000)).count({ storeName: 'for-ever', retentionMs: Number.MAX_SAFE_INTEGER });

    const configs = changelogConfigs(builder.build(), { ...settings, windowstoreChangelogAdditionalRetentionMs: Number.MAX_SAFE_INTEGER });
    expect(configs['for-ever']!['retention.ms']).to.equal('18014398509481982');
    const huge = changelogConfigs(builder.build(), { ...settings, windowstoreChangelogAdditionalRetentionMs: 9_223_372_036_854_775_000 });
    expect(huge['for-ever']!['retention.ms']).to.equal('9223372036854775807');
  });

  it("windows a stream-stream join's buffers, except a side whose unjoined records wait in it for their null result", () => {
    const joined = (kind: 'join' | 'leftJoin' | 'outerJoin'): Record<string, Record<string, string>> => {
      const builder = new StreamsBuilder();
      const clicks = builder.stream<string, string>('clicks', { keySerde: Serdes.String(), valueSerde: Serdes.String() });
      const views = builder.stream<string, string>('views', { keySerde: Serdes.String(), valueSerde: Serdes.String() });
      const joiner = (click: string | null, view: string | null): string => `${click}/${view}`;
      const windows = JoinWindows.ofTimeDifferenceAndGrace(10_000, 1_000);
      const output =
        kind === 'join'
          ? clicks.join(views, joiner, windows, { name: 'j' })
          : kind === 'leftJoin'
            ? clicks.leftJoin(views, joiner, windows, { name: 'j' })
            : clicks.outerJoin(views, joiner, windows, { name: 'j' });
      output.to('out');
      return changelogConfigs(builder.build());
    };
    // Kafka's join window stores: before + after + grace = 10 s + 10 s + 1 s.
    const windowed = { 'message.timestamp.type': 'CreateTime', 'cleanup.policy': 'compact,delete', 'retention.ms': String(21_000 + day) };
    const compacted = { 'message.timestamp.type': 'CreateTime', 'cleanup.policy': 'compact' };

    expect(joined('join')).to.deep.equal({ 'j-this-join-store': windowed, 'j-other-join-store': windowed });
    expect(joined('leftJoin')).to.deep.equal({ 'j-this-join-store': compacted, 'j-other-join-store': windowed });
    expect(joined('outerJoin')).to.deep.equal({ 'j-this-join-store': compacted, 'j-other-join-store': compacted });
  });

  it("lets Materialized.changelogConfig override the defaults, as Kafka's per-topic configs do, a retention.ms included", () => {
    const builder = new StreamsBuilder();
    const grouped = words(builder).groupByKey();
    grouped.count({ storeName: 'counts', changelogConfig: { 'min.compaction.lag.ms': '60000', 'cleanup.policy': 'compact,delete' } });
    grouped.windowedBy(TimeWindows.ofSizeWithNoGrace(60_000)).count({ storeName: 'windows', changelogConfig: { 'retention.ms': '7200000' } });
    grouped.count({ storeName: 'unlogged', loggingEnabled: false, changelogConfig: { 'segment.ms': '1000' } });

    const configs = changelogConfigs(builder.build());
    expect(configs['counts']).to.deep.equal({ 'message.timestamp.type': 'CreateTime', 'cleanup.policy': 'compact,delete', 'min.compaction.lag.ms': '60000' });
    expect(configs['windows']).to.deep.equal({ 'message.timestamp.type': 'CreateTime', 'cleanup.policy': 'compact,delete', 'retention.ms': '7200000' });
    expect(configs).not.to.have.property('unlogged');
  });

  it('takes a Processor API store its configs from withLoggingEnabled(config)', () => {
    class Remember implements Processor<string, string, string, string> {
      private seen!: KeyValueStore<string, string>;
      init(context: ProcessorContext<string, string>): void {
        this.seen = context.getStateStore<KeyValueStore<string, string>>('seen');
      }
      process(record: StreamRecord<string, string>): void {
        this.seen.put(record.key, record.value);
      }
    }
    const topology = new Topology()
      .addSource('words', 'words', { keySerde: Serdes.String(), valueSerde: Serdes.String() })
      .addProcessor('remember', () => new Remember(), 'words')
      .addStateStore(Stores.keyValueStoreBuilder('seen', Serdes.String(), Serdes.String()).withLoggingEnabled({ 'segment.bytes': '1048576' }), 'remember');

    expect(changelogConfigs(topology)).to.deep.equal({
      seen: { 'message.timestamp.type': 'CreateTime', 'cleanup.policy': 'compact', 'segment.bytes': '1048576' },
    });
  });

  it('gives every changelog the replication factor of the settings', () => {
    const builder = new StreamsBuilder();
    words(builder).groupByKey().count({ storeName: 'counts' });
    const store = graphOf(builder.build()).stores.get('counts')!;

    expect(changelogTopic('app-counts-changelog', 6, store, { ...settings, replicationFactor: 2 })).to.include({ numPartitions: 6, replicationFactor: 2 });
    expect(changelogTopic('app-counts-changelog', 6, store, settings)).to.include({ replicationFactor: -1 });
  });
});
