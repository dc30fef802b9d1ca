import { expect } from 'chai';
import { Serdes, StreamsBuilder, Stores, Topology } from '../../lib/index.ts';
import type { ProcessorSupplier } from '../../lib/index.ts';

// The expected strings below are what Kafka Streams 3.9.0 and 4.1.0 print for the same topologies.

const noop: ProcessorSupplier<unknown, unknown> = () => ({ process: () => {} });

interface Order {
  order_id: string;
  item: string;
  quantity: number;
  price: number;
}

/** The shop example of the README: quantities summed per item. */
function shop(storeName?: string): Topology {
  const builder = new StreamsBuilder();
  builder
    .stream<string, Order>('orders', { keySerde: Serdes.String(), valueSerde: Serdes.Json<Order>() })
    .selectKey((_key, order) => order.item)
    .mapValues((order) => order.quantity)
    .groupByKey({ keySerde: Serdes.String(), valueSerde: Serdes.Int() })
    .reduce((a, b) => a + b, storeName === undefined ? undefined : { storeName })
    .toStream()
    .to('item-quantity', { keySerde: Serdes.String(), valueSerde: Serdes.Int() });
  return builder.build();
}

describe('TopologyDescription', () => {
  describe('toString()', () => {
    it('should print the shop example exactly as Kafka Streams does, with repartition nodes named after the store', () => {
      expect(shop('item-quantity').describe().toString()).to.equal(
        [
          'Topologies:',
          '   Sub-topology: 0',
          '    Source: KSTREAM-SOURCE-0000000000 (topics: [orders])',
          '      --> KSTREAM-KEY-SELECT-0000000001',
          '    Processor: KSTREAM-KEY-SELECT-0000000001 (stores: [])',
          '      --> KSTREAM-MAPVALUES-0000000002',
          '      <-- KSTREAM-SOURCE-0000000000',
          '    Processor: KSTREAM-MAPVALUES-0000000002 (stores: [])',
          '      --> item-quantity-repartition-filter',
          '      <-- KSTREAM-KEY-SELECT-0000000001',
          '    Processor: item-quantity-repartition-filter (stores: [])',
          '      --> item-quantity-repartition-sink',
          '      <-- KSTREAM-MAPVALUES-0000000002',
          '    Sink: item-quantity-repartition-sink (topic: item-quantity-repartition)',
          '      <-- item-quantity-repartition-filter',
          '',
          '  Sub-topology: 1',
          '    Source: item-quantity-repartition-source (topics: [item-quantity-repartition])',
          '      --> KSTREAM-REDUCE-0000000003',
          '    Processor: KSTREAM-REDUCE-0000000003 (stores: [item-quantity])',
          '      --> KTABLE-TOSTREAM-0000000007',
          '      <-- item-quantity-repartition-source',
          '    Processor: KTABLE-TOSTREAM-0000000007 (stores: [])',
          '      --> KSTREAM-SINK-0000000008',
          '      <-- KSTREAM-REDUCE-0000000003',
          '    Sink: KSTREAM-SINK-0000000008 (topic: item-quantity)',
          '      <-- KTABLE-TOSTREAM-0000000007',
          '',
          '',
        ].join('\n'),
      );
    });

    it('should print generated names for an unnamed reduce: store first, then processor, then sink, filter and source', () => {
      expect(shop().describe().toString()).to.equal(
        [
          'Topologies:',
          '   Sub-topology: 0',
          '    Source: KSTREAM-SOURCE-0000000000 (topics: [orders])',
          '      --> KSTREAM-KEY-SELECT-0000000001',
          '    Processor: KSTREAM-KEY-SELECT-0000000001 (stores: [])',
          '      --> KSTREAM-MAPVALUES-0000000002',
          '      <-- KSTREAM-SOURCE-0000000000',
          '    Processor: KSTREAM-MAPVALUES-0000000002 (stores: [])',
          '      --> KSTREAM-FILTER-0000000006',
          '      <-- KSTREAM-KEY-SELECT-0000000001',
          '    Processor: KSTREAM-FILTER-0000000006 (stores: [])',
          '      --> KSTREAM-SINK-0000000005',
          '      <-- KSTREAM-MAPVALUES-0000000002',
          '    Sink: KSTREAM-SINK-0000000005 (topic: KSTREAM-REDUCE-STATE-STORE-0000000003-repartition)',
          '      <-- KSTREAM-FILTER-0000000006',
          '',
          '  Sub-topology: 1',
          '    Source: KSTREAM-SOURCE-0000000007 (topics: [KSTREAM-REDUCE-STATE-STORE-0000000003-repartition])',
          '      --> KSTREAM-REDUCE-0000000004',
          '    Processor: KSTREAM-REDUCE-0000000004 (stores: [KSTREAM-REDUCE-STATE-STORE-0000000003])',
          '      --> KTABLE-TOSTREAM-0000000008',
          '      <-- KSTREAM-SOURCE-0000000007',
          '    Processor: KTABLE-TOSTREAM-0000000008 (stores: [])',
          '      --> KSTREAM-SINK-0000000009',
          '      <-- KSTREAM-REDUCE-0000000004',
          '    Sink: KSTREAM-SINK-0000000009 (topic: item-quantity)',
          '      <-- KTABLE-TOSTREAM-0000000008',
          '',
          '',
        ].join('\n'),
      );
    });

    it('should order nodes by the size of their downstream sub-tree, then by name, and print leaves as "--> none"', () => {
      const topology = new Topology()
        .addSource('in', 'input')
        .addProcessor('validate', noop, 'in')
        .addProcessor('audit', noop, 'in')
        .addProcessor('enrich', noop, 'validate')
        .addSink('audit-sink', 'audit-log', {}, 'audit')
        .addSink('enriched-sink', 'enriched', {}, 'enrich')
        .addSink('rejects-sink', 'rejects', {}, 'validate')
        .addSource('counts-in', 'enriched')
        .addProcessor('counter', noop, 'counts-in')
        .addStateStore(Stores.keyValueStoreBuilder('counts', Serdes.String(), Serdes.Long()), 'counter')
        .addSource('lookups-in', 'lookups')
        .addProcessor('lookup', noop, 'lookups-in')
        .connectProcessorAndStateStores('lookup', 'counts');

      // Sub-topology 1 holds two sources: their processors share the store 'counts'.
      expect(topology.describe().toString()).to.equal(
        [
          'Topologies:',
          '   Sub-topology: 0',
          '    Source: in (topics: [input])',
          '      --> validate, audit',
          '    Processor: validate (stores: [])',
          '      --> enrich, rejects-sink',
          '      <-- in',
          '    Processor: audit (stores: [])',
          '      --> audit-sink',
          '      <-- in',
          '    Processor: enrich (stores: [])',
          '      --> enriched-sink',
          '      <-- validate',
          '    Sink: audit-sink (topic: audit-log)',
          '      <-- audit',
          '    Sink: enriched-sink (topic: enriched)',
          '      <-- enrich',
          '    Sink: rejects-sink (topic: rejects)',
          '      <-- validate',
          '',
          '  Sub-topology: 1',
          '    Source: counts-in (topics: [enriched])',
          '      --> counter',
          '    Source: lookups-in (topics: [lookups])',
          '      --> lookup',
          '    Processor: counter (stores: [counts])',
          '      --> none',
          '      <-- counts-in',
          '    Processor: lookup (stores: [counts])',
          '      --> none',
          '      <-- lookups-in',
          '',
          '',
        ].join('\n'),
      );
    });

    it('should print topics and stores in Java HashSet order, and a global store without a blank line after it', () => {
      const topology = new Topology()
        .addSource('src', ['b', 'a', 'c'])
        .addProcessor('p', noop, 'src')
        .addStateStore(Stores.keyValueStoreBuilder('zz'), 'p')
        .addStateStore(Stores.keyValueStoreBuilder('aa'), 'p')
        .addGlobalStore(Stores.keyValueStoreBuilder('g'), 'gsrc', 'gt', {}, 'gproc', noop)
        .addSource('src2', 'x')
        .addSink('sink2', 'y', {}, 'src2');

      expect(topology.describe().toString()).to.equal(
        [
          'Topologies:',
          '   Sub-topology: 0',
          '    Source: src (topics: [a, b, c])',
          '      --> p',
          '    Processor: p (stores: [zz, aa])',
          '      --> none',
          '      <-- src',
          '',
          '  Sub-topology: 1 for global store (will not generate tasks)',
          '    Source: gsrc (topics: [gt])',
          '      --> gproc',
          '    Processor: gproc (stores: [g])',
          '      --> none',
          '      <-- gsrc',
          '  Sub-topology: 2',
          '    Source: src2 (topics: [x])',
          '      --> sink2',
          '    Sink: sink2 (topic: y)',
          '      <-- src2',
          '',
          '',
        ].join('\n'),
      );
    });

    it('should follow Java’s String.hashCode buckets for longer topic lists', () => {
      const topics = ['orders', 'clicks', 'payments', 'users'];
      const topology = new Topology().addSource('s', topics).addSink('k', 'out', {}, 's');
      expect(topology.describe().toString()).to.include('Source: s (topics: [payments, clicks, orders, users])');
    });

    it('should list successors as Kafka Streams 4.1.2 does, not by final sub-tree size (split with merge)', () => {
      // Kafka prints "--> split-0, split-1, split-2" here although split-2's sub-tree is the largest:
      // its TreeSets are filled while the sizes still grow (the differential suite's stateless-split-merge).
      const builder = new StreamsBuilder();
      const branches = builder
        .stream<string, number>('in', { keySerde: Serdes.String(), valueSerde: Serdes.Int() })
        .split('split-')
        .branch((_k, v) => v < 3)
        .branch((_k, v) => v < 7)
        .defaultBranch();
      branches['split-1']!.to('out-low');
      branches['split-2']!.mapValues((v) => v + 100)
        .merge(branches['split-0']!)
        .to('out-merged');
      expect(builder.build().describe().toString()).to.include('Processor: split- (stores: [])\n      --> split-0, split-1, split-2\n');
    });
  });

  describe('sub-topologies', () => {
    it('should split at topics and number sub-topologies in the order their nodes were added', () => {
      const topology = new Topology()
        .addSource('late-source', 'late')
        .addSink('late-sink', 'late-out', {}, 'late-source')
        .addSource('early-source', 'early')
        .addProcessor('early-p', noop, 'early-source');

      const description = topology.describe();
      expect(description.subtopologies.map((sub) => ({ id: sub.id, nodes: sub.nodes.map((node) => node.name) }))).to.deep.equal([
        { id: 0, nodes: ['late-source', 'late-sink'] },
        { id: 1, nodes: ['early-source', 'early-p'] },
      ]);
    });

    it('should describe each node with its type, topics, stores, successors and predecessors', () => {
      const [upstream, downstream] = shop('item-quantity').describe().subtopologies;
      expect(upstream!.global).to.equal(false);
      expect(upstream!.nodes[0]).to.deep.equal({
        type: 'source',
        name: 'KSTREAM-SOURCE-0000000000',
        topics: ['orders'],
        successors: ['KSTREAM-KEY-SELECT-0000000001'],
        predecessors: [],
      });
      expect(downstream!.nodes[1]).to.deep.equal({
        type: 'processor',
        name: 'KSTREAM-REDUCE-0000000003',
        stores: ['item-quantity'],
        successors: ['KTABLE-TOSTREAM-0000000007'],
        predecessors: ['item-quantity-repartition-source'],
      });
      expect(downstream!.nodes[3]).to.deep.equal({
        type: 'sink',
        name: 'KSTREAM-SINK-0000000008',
        topic: 'item-quantity',
        successors: [],
        predecessors: ['KTABLE-TOSTREAM-0000000007'],
      });
    });

    it('should mark the sub-topology of a global store', () => {
      const topology = new Topology()
        .addGlobalStore(Stores.keyValueStoreBuilder('countries'), 'countries-source', 'countries', {}, 'countries-loader', noop)
        .addSource('s', 'in')
        .addProcessor('p', noop, 's');
      expect(topology.describe().subtopologies.map((sub) => [sub.id, sub.global])).to.deep.equal([
        [0, true],
        [1, false],
      ]);
      expect(topology.describe().toString()).to.match(/^Topologies:\n {3}Sub-topology: 0 for global store \(will not generate tasks\)\n/);
    });
  });

  describe('toMermaid()', () => {
    it('should draw sub-topologies as subgraphs, topics as stadiums and stores as cylinders', () => {
      const topology = new Topology()
        .addSource('words-source', 'words')
        .addProcessor('count', noop, 'words-source')
        .addStateStore(Stores.keyValueStoreBuilder('word-counts', Serdes.String(), Serdes.Long()), 'count')
        .addSink('counts-sink', 'word-counts', {}, 'count')
        .addGlobalStore(Stores.keyValueStoreBuilder('stop-words'), 'stop-source', 'stop-words', {}, 'stop-loader', noop);

      expect(topology.describe().toMermaid()).to.equal(
        [
          'flowchart TD',
          '  subgraph sub0["Sub-topology 0"]',
          '    node_words_source["source: words-source"]',
          '    node_count["processor: count"]',
          '    node_counts_sink["sink: counts-sink"]',
          '  end',
          '  node_words_source --> node_count',
          '  topic_words --> node_words_source',
          '  node_count --> node_counts_sink',
          '  node_count -.- store_word_counts',
          '  node_counts_sink --> topic_word_counts',
          '  subgraph sub1["Sub-topology 1 (global store)"]',
          '    node_stop_source["source: stop-source"]',
          '    node_stop_loader["processor: stop-loader"]',
          '  end',
          '  node_stop_source --> node_stop_loader',
          '  topic_stop_words --> node_stop_source',
          '  node_stop_loader -.- store_stop_words',
          '  topic_words(["words"])',
          '  topic_word_counts(["word-counts"])',
          '  topic_stop_words(["stop-words"])',
          '  store_word_counts[("word-counts")]',
          '  store_stop_words[("stop-words")]',
          '',
        ].join('\n'),
      );
    });

    it('should join sub-topologies through the one node of the topic between them', () => {
      const mermaid = shop('item-quantity').describe().toMermaid();
      const lines = mermaid.split('\n');

      expect(lines).to.include('  node_item_quantity_repartition_sink --> topic_item_quantity_repartition');
      expect(lines).to.include('  topic_item_quantity_repartition --> node_item_quantity_repartition_source');
      expect(lines.filter((line) => line.startsWith('  topic_item_quantity_repartition('))).to.deep.equal([
        '  topic_item_quantity_repartition(["item-quantity-repartition"])',
      ]);
      expect(lines).to.include('  node_KSTREAM_REDUCE_0000000003 -.- store_item_quantity');
    });
  });
});
