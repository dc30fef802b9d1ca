import { expect } from 'chai';
import { TestScheduler } from 'rxjs/testing';
import { Serdes, StreamsBuilder, Stores, Topology, TopologyException } from '../../lib/index.ts';
import type { KeyValueStore, Processor, ProcessorContext, ProcessorSupplier, StreamRecord } from '../../lib/index.ts';
import { runTopology, TopologyTestDriver } from '../../lib/testing/index.ts';

/** Forwards every record unchanged. */
const passThrough: ProcessorSupplier<unknown, unknown, unknown, unknown> = () => {
  let context: ProcessorContext<unknown, unknown>;
  return {
    init: (ctx) => (context = ctx),
    process: (record) => context.forward(record),
  };
};

const noop: ProcessorSupplier<unknown, unknown> = () => ({ process: () => {} });

describe('Topology', () => {
  describe('addSource / addProcessor / addSink', () => {
    it('should build a processor graph that runs: source -> processor -> sink', () => {
      const topology = new Topology()
        .addSource('words-source', 'words', { keySerde: Serdes.String(), valueSerde: Serdes.String() })
        .addProcessor<string, string, string, string>(
          'upper',
          (): Processor<string, string, string, string> => {
            let context: ProcessorContext<string, string>;
            return {
              init: (ctx) => (context = ctx),
              process: (record: StreamRecord<string, string>) => context.forward({ ...record, value: record.value.toUpperCase() }),
            };
          },
          'words-source',
        )
        .addSink('upper-sink', 'upper-words', { keySerde: Serdes.String(), valueSerde: Serdes.String() }, 'upper');

      const driver = new TopologyTestDriver(topology);
      driver.createInputTopic('words', Serdes.String(), Serdes.String()).pipeInput('k', 'hello');
      expect(driver.createOutputTopic('upper-words', Serdes.String(), Serdes.String()).readKeyValuesToList()).to.deep.equal([{ key: 'k', value: 'HELLO' }]);
      driver.close();
    });

    it('should read several topics with one source, and let a node have several parents', () => {
      const topology = new Topology()
        .addSource('clicks-source', ['clicks', 'taps'])
        .addSource('views-source', 'views')
        .addProcessor('all', passThrough, 'clicks-source', 'views-source')
        .addSink('events-sink', 'events', {}, 'all');

      const testScheduler = new TestScheduler((actual, expected) => {
        expect(actual).to.deep.equal(expected);
      });
      testScheduler.run(({ cold, expectObservable }) => {
        const values = { c: { key: 'u1', value: 'click' }, t: { key: 'u2', value: 'tap' }, v: { key: 'u3', value: 'view' } };
        const clicks = cold('c------|', values);
        const taps = cold('  --t----|', values);
        const views = cold(' ----v--|', values);
        const expected = '   c-t-v--|';
        expectObservable(runTopology(topology, { clicks, taps, views }).output('events')).toBe(expected, values);
      });
    });

    it('should accept a processor supplier only as a function', () => {
      const topology = new Topology().addSource('s', 'in');
      expect(() => topology.addProcessor('p', {} as unknown as ProcessorSupplier<unknown, unknown>, 's')).to.throw(
        TypeError,
        'Processor p needs a supplier function that returns a new processor',
      );
    });
  });

  describe('validation', () => {
    it('should refuse a node name used twice', () => {
      const topology = new Topology().addSource('orders', 'orders-topic');
      expect(() => topology.addProcessor('orders', noop, 'orders')).to.throw(TopologyException, 'Invalid topology: Processor orders is already added');
      expect(() => topology.addSource('orders', 'other-topic')).to.throw(TopologyException, 'Processor orders is already added');
    });

    it('should refuse a sink whose parent does not exist (a sink to nowhere), naming both', () => {
      const topology = new Topology().addSource('s', 'in');
      expect(() => topology.addSink('out', 'out-topic', {}, 'nobody')).to.throw(
        TopologyException,
        'Invalid topology: Parent processor nobody of out is not added yet',
      );
    });

    it('should refuse a processor whose parent does not exist', () => {
      const topology = new Topology().addSource('s', 'in');
      expect(() => topology.addProcessor('p', noop, 's', 'missing')).to.throw(TopologyException, 'Parent processor missing of p is not added yet');
    });

    it('should leave the topology unchanged when a node is refused', () => {
      const topology = new Topology().addSource('s', 'in');
      expect(() => topology.addProcessor('p', noop, 's', 'missing')).to.throw(TopologyException);
      expect(topology.describe().toString()).not.to.include('Processor: p');
      expect(() => topology.addProcessor('p', noop, 's')).not.to.throw();
    });

    it('should refuse processors and sinks without a parent', () => {
      const topology = new Topology().addSource('s', 'in');
      expect(() => topology.addProcessor('p', noop)).to.throw(TopologyException, 'p must have at least one parent');
      expect(() => topology.addSink('out', 'out-topic')).to.throw(TopologyException, 'out must have at least one parent');
    });

    it('should refuse a node that is its own parent', () => {
      const topology = new Topology().addSource('s', 'in');
      expect(() => topology.addProcessor('p', noop, 's', 'p')).to.throw(TopologyException, 'Processor p cannot be a parent of itself');
    });

    it('should refuse a sink as a parent: sinks have no children', () => {
      const topology = new Topology().addSource('s', 'in').addSink('out', 'out-topic', {}, 's');
      expect(() => topology.addProcessor('p', noop, 'out')).to.throw(TopologyException, 'Sink out cannot be used as a parent (of p)');
    });

    it('should refuse a sink with an empty topic name', () => {
      const topology = new Topology().addSource('s', 'in');
      expect(() => topology.addSink('out', '', {}, 's')).to.throw(TopologyException, 'Invalid topology: Sink out has an empty topic name');
    });

    it('should refuse a source without topics or with an empty topic name', () => {
      expect(() => new Topology().addSource('s', [])).to.throw(TopologyException, 'Source s needs at least one topic');
      expect(() => new Topology().addSource('s', ['in', ''])).to.throw(TopologyException, 'Source s has an empty topic name');
    });

    it('should refuse a topic registered by two sources, naming the topic and the source that has it', () => {
      const topology = new Topology().addSource('first', ['a', 'b']);
      expect(() => topology.addSource('second', ['c', 'b'])).to.throw(
        TopologyException,
        'Invalid topology: Topic b has already been registered by source first; source second cannot read it too',
      );
    });

    it('should refuse a topic listed twice by one source, as Kafka Streams does', () => {
      expect(() => new Topology().addSource('s', ['a', 'b', 'a'])).to.throw(TopologyException, 'Topic a is listed twice by source s');
    });

    it('should refuse a global store topic that a source already reads', () => {
      const topology = new Topology().addSource('s', 'countries');
      expect(() => topology.addGlobalStore(Stores.keyValueStoreBuilder('countries-store'), 'g-source', 'countries', {}, 'g-loader', noop)).to.throw(
        TopologyException,
        'Topic countries has already been registered by source s',
      );
    });

    describe('a topic cycle', () => {
      it('should be refused when a sub-topology writes into a topic it reads', () => {
        const topology = new Topology().addSource('s', ['other', 'in']).addProcessor('p', passThrough, 's').addSink('k', 'in', {}, 'p');
        expect(() => topology.describe()).to.throw(
          TopologyException,
          'Invalid topology: cycle through topics in -> in: sub-topology 0 writes to topic in, which is its own input',
        );
      });

      it('should be refused when the topic comes back through another sub-topology', () => {
        const topology = new Topology()
          .addSource('orders-source', 'orders')
          .addSink('enriched-sink', 'enriched', {}, 'orders-source')
          .addSource('enriched-source', 'enriched')
          .addSink('back-sink', 'orders', {}, 'enriched-source');
        expect(() => topology.plan()).to.throw(
          TopologyException,
          'cycle through topics orders -> enriched -> orders: sub-topology 1 writes to topic orders, which is the input of sub-topology 0, upstream of it',
        );
      });

      it('should be refused by the test driver and by runTopology before any record runs', () => {
        const topology = new Topology().addSource('s', 'in').addSink('k', 'in', {}, 's');
        expect(() => new TopologyTestDriver(topology)).to.throw(TopologyException, 'cycle through topics in -> in');
        expect(() => runTopology(topology, {})).to.throw(TopologyException, 'cycle through topics in -> in');
      });

      it('should be refused when a DSL topology is built', () => {
        const builder = new StreamsBuilder();
        builder
          .stream<string, string>('in')
          .mapValues((value) => value + '!')
          .to('in');
        expect(() => builder.build()).to.throw(TopologyException, 'cycle through topics in -> in');
      });

      it('should not be seen in a chain of sub-topologies that never comes back', () => {
        const topology = new Topology()
          .addSource('a-source', 'a')
          .addSink('b-sink', 'b', {}, 'a-source')
          .addSource('b-source', 'b')
          .addSink('c-sink', 'c', {}, 'b-source')
          .addSource('a2-source', 'a2')
          .addSink('c2-sink', 'c', {}, 'a2-source');
        expect(topology.plan().subTopologies).to.have.length(3);
      });
    });
  });

  describe('addStateStore / connectProcessorAndStateStores', () => {
    it('should give the processors named in addStateStore their store, readable from the driver', () => {
      const topology = new Topology()
        .addSource('s', 'words', { keySerde: Serdes.String(), valueSerde: Serdes.String() })
        .addProcessor<string, string, never, never>(
          'count',
          (): Processor<string, string> => {
            let context: ProcessorContext;
            return {
              init: (ctx) => (context = ctx),
              process: (record) => {
                const store = context.getStateStore<KeyValueStore<string, number>>('word-counts');
                store.put(record.value, (store.get(record.value) ?? 0) + 1);
              },
            };
          },
          's',
        )
        .addStateStore(Stores.keyValueStoreBuilder('word-counts', Serdes.String(), Serdes.Int()), 'count');

      const driver = new TopologyTestDriver(topology);
      const words = driver.createInputTopic('words', Serdes.String(), Serdes.String());
      for (const word of ['a', 'b', 'a']) words.pipeInput('k', word);
      expect(driver.getKeyValueStore<string, number>('word-counts').all()).to.deep.equal([
        { key: 'a', value: 2 },
        { key: 'b', value: 1 },
      ]);
      driver.close();
    });

    it('should connect a store added earlier to further processors', () => {
      const topology = new Topology()
        .addSource('s', 'in')
        .addProcessor('writer', noop, 's')
        .addProcessor('reader', noop, 's')
        .addStateStore(Stores.keyValueStoreBuilder('shared'), 'writer')
        .connectProcessorAndStateStores('reader', 'shared');
      expect(topology.describe().toString()).to.include('Processor: reader (stores: [shared])');
    });

    it('should refuse a store name used twice', () => {
      const topology = new Topology().addSource('s', 'in').addProcessor('p', noop, 's').addStateStore(Stores.keyValueStoreBuilder('counts'), 'p');
      expect(() => topology.addStateStore(Stores.keyValueStoreBuilder('counts'))).to.throw(TopologyException, 'StateStore counts is already added');
    });

    it('should refuse to connect a store to a processor that does not exist, or to a source', () => {
      const topology = new Topology().addSource('s', 'in');
      expect(() => topology.addStateStore(Stores.keyValueStoreBuilder('counts'), 'ghost')).to.throw(
        TopologyException,
        'Processor ghost is not added yet, so store counts cannot be connected to it',
      );
      expect(() => topology.connectProcessorAndStateStores('s', 'counts')).to.throw(
        TopologyException,
        'StateStore counts can only be connected to a processor, and s is a source',
      );
    });

    it('should refuse to connect a store that was never added', () => {
      const topology = new Topology().addSource('s', 'in').addProcessor('p', noop, 's');
      expect(() => topology.connectProcessorAndStateStores('p', 'nope')).to.throw(
        TopologyException,
        'StateStore nope is not added yet; add it with addStateStore before connecting processor p',
      );
    });
  });

  describe('addGlobalStore', () => {
    it('should add a source and a processor that load the store, in a sub-topology of their own', () => {
      const topology = new Topology()
        .addSource('s', 'in')
        .addProcessor('p', noop, 's')
        .addGlobalStore(Stores.keyValueStoreBuilder('countries'), 'countries-source', 'countries', {}, 'countries-loader', noop);

      const plan = topology.plan();
      expect(plan.subTopologies.map((sub) => sub.id)).to.deep.equal([0]);
      expect(plan.globals.map((sub) => ({ id: sub.id, topics: sub.sourceTopics, stores: sub.stores }))).to.deep.equal([
        { id: 1, topics: ['countries'], stores: ['countries'] },
      ]);
    });

    it('should refuse to connect a global store to a processor: every processor may read it already', () => {
      const topology = new Topology()
        .addSource('s', 'in')
        .addProcessor('p', noop, 's')
        .addGlobalStore(Stores.keyValueStoreBuilder('countries'), 'countries-source', 'countries', {}, 'countries-loader', noop);
      expect(() => topology.connectProcessorAndStateStores('p', 'countries')).to.throw(
        TopologyException,
        'Global store countries is readable by every processor and cannot be connected to p',
      );
    });
  });
});
