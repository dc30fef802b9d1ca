import { expect } from 'chai';
import { catchError, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { InvalidStateStoreException, ProcessingException, Serdes, StreamsException, Stores, Topology, consoleLogger } from '../../lib/index.ts';
import type { KeyValueStore, Processor, ProcessorContext, ProcessorSupplier, RecordContext, StreamRecord } from '../../lib/index.ts';
import { runTopology, TopologyTestDriver } from '../../lib/testing/index.ts';

/** Calls `fn` and returns what it threw; fails the test when it does not throw. */
function thrownBy(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  expect.fail('expected an error to be thrown');
}

/** A processor built from a process function that gets the context too. */
function processor<KIn, VIn, KOut = unknown, VOut = unknown>(
  process: (record: StreamRecord<KIn, VIn>, context: ProcessorContext<KOut, VOut>) => void,
): ProcessorSupplier<KIn, VIn, KOut, VOut> {
  return () => {
    let context: ProcessorContext<KOut, VOut>;
    return {
      init: (ctx) => (context = ctx),
      process: (record) => process(record, context),
    };
  };
}

const strings = { keySerde: Serdes.String(), valueSerde: Serdes.String() };

describe('Processor API at run time', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  describe('life cycle', () => {
    function lifeCycleTopology(log: string[]): Topology {
      let instances = 0;
      return new Topology().addSource('s', 'in', strings).addProcessor(
        'p',
        (): Processor<string, string> => {
          const id = ++instances;
          return {
            init: (context) => log.push(`init #${id} task ${context.taskId} app ${context.applicationId}`),
            process: (record) => log.push(`process #${id} ${record.value}`),
            close: () => log.push(`close #${id}`),
          };
        },
        's',
      );
    }

    it('should init a processor before the first record, process every record, and close it when the driver closes', () => {
      const log: string[] = [];
      const driver = new TopologyTestDriver(lifeCycleTopology(log), { applicationId: 'shop' });
      expect(log).to.deep.equal(['init #1 task 0_0 app shop']);

      const input = driver.createInputTopic('in', Serdes.String(), Serdes.String());
      input.pipeInput('k', 'a');
      input.pipeInput('k', 'b');
      expect(log).to.deep.equal(['init #1 task 0_0 app shop', 'process #1 a', 'process #1 b']);

      driver.close();
      expect(log).to.deep.equal(['init #1 task 0_0 app shop', 'process #1 a', 'process #1 b', 'close #1']);
    });

    it('should init when runTopology starts and close once every input has completed', () => {
      const log: string[] = [];
      testScheduler.run(({ cold, expectObservable }) => {
        const input = cold('-a-b|', { a: { key: 'k', value: 'a' }, b: { key: 'k', value: 'b' } });
        expectObservable(runTopology(lifeCycleTopology(log), { in: input }).output('nothing')).toBe('----|');
      });
      expect(log).to.deep.equal(['init #1 task 0_0 app run-topology', 'process #1 a', 'process #1 b', 'close #1']);
    });

    it('should fail the driver constructor when init throws, naming the processor', () => {
      const topology = new Topology().addSource('s', 'in').addProcessor(
        'broken',
        () => ({
          init: () => {
            throw new Error('no config');
          },
          process: () => {},
        }),
        's',
      );
      expect(() => new TopologyTestDriver(topology)).to.throw(StreamsException, 'Processor broken failed to initialize: no config');
    });
  });

  describe('context.forward', () => {
    /** src -> router -> { evens-sink, odds-sink }; the router sends each number to one child or, for 0, to both. */
    function router(): Topology {
      return new Topology()
        .addSource('numbers-source', 'numbers')
        .addProcessor<string, number, string, number>(
          'router',
          processor<string, number, string, number>((record, context) => {
            if (record.value === 0) context.forward(record);
            else context.forward(record, record.value % 2 === 0 ? 'evens-sink' : 'odds-sink');
          }),
          'numbers-source',
        )
        .addSink('evens-sink', 'evens', {}, 'router')
        .addSink('odds-sink', 'odds', {}, 'router');
    }

    it('should send a record to every child, or to the named child only', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const values = { z: { key: 'k', value: 0 }, a: { key: 'k', value: 1 }, b: { key: 'k', value: 2 }, c: { key: 'k', value: 3 } };
        const numbers = cold('z-a-b-c-|', values);
        const evens = '       z---b---|';
        const odds = '        z-a---c-|';
        const run = runTopology(router(), { numbers });
        expectObservable(run.output('evens')).toBe(evens, values);
        expectObservable(run.output('odds')).toBe(odds, values);
      });
    });

    it('should run each forwarded record through its child depth-first, children in the order they were added', () => {
      const log: string[] = [];
      const logger = (name: string) =>
        processor<string, string>((record) => {
          log.push(`${name} ${record.value}`);
        });
      const topology = new Topology()
        .addSource('s', 'in', strings)
        .addProcessor<string, string, string, string>(
          'split',
          processor<string, string, string, string>((record, context) => {
            for (const part of record.value.split(',')) context.forward({ ...record, value: part });
            log.push('split done');
          }),
          's',
        )
        .addProcessor('first', logger('first'), 'split')
        .addProcessor('second', logger('second'), 'split');

      const driver = new TopologyTestDriver(topology);
      driver.createInputTopic('in', Serdes.String(), Serdes.String()).pipeInput('k', 'x,y');
      expect(log).to.deep.equal(['first x', 'second x', 'first y', 'second y', 'split done']);
      driver.close();
    });

    it('should write the timestamp and headers of the forwarded record, which the processor may change', () => {
      const topology = new Topology()
        .addSource('s', 'in', strings)
        .addProcessor(
          'stamp',
          processor<string, string>((record, context) => context.forward({ ...record, timestamp: record.timestamp + 500, headers: { via: 'stamp' } })),
          's',
        )
        .addSink('out-sink', 'out', strings, 'stamp');

      const driver = new TopologyTestDriver(topology);
      driver.createInputTopic('in', Serdes.String(), Serdes.String()).pipeInput('k', 'v', 1000);
      const [record] = driver.createOutputTopic('out', Serdes.String(), Serdes.String()).readRecordsToList();
      expect(record).to.deep.equal({ topic: 'out', key: 'k', value: 'v', timestamp: 1500, headers: { via: 'stamp' } });
      driver.close();
    });

    it('should raise a clear error for a child name that is not a child, naming the processor, its children and the record', () => {
      const topology = new Topology()
        .addSource('s', 'in', strings)
        .addProcessor(
          'p',
          processor<string, string>((record, context) => context.forward(record, 'nope')),
          's',
        )
        .addSink('out-sink', 'out', strings, 'p');

      const driver = new TopologyTestDriver(topology);
      const error = thrownBy(() => driver.createInputTopic('in', Serdes.String(), Serdes.String()).pipeInput('k', 'v'));
      expect(error).to.be.instanceOf(StreamsException);
      expect(error.message).to.include('Unknown downstream node: nope either does not exist or is not connected to processor p');
      expect(error.message).to.include('its children are [out-sink]');
      expect(error.message).to.include('topic in partition 0 offset 0');
      driver.close();
    });
  });

  describe('context.getStateStore', () => {
    function counting(storeConnectedTo: string[], askFor = 'counts'): Topology {
      return new Topology()
        .addSource('s', 'words', strings)
        .addProcessor(
          'counter',
          processor<string, string>((record, context) => {
            const store = context.getStateStore<KeyValueStore<string, number>>(askFor);
            store.put(record.value, (store.get(record.value) ?? 0) + 1);
          }),
          's',
        )
        .addProcessor(
          'other',
          processor<string, string>(() => {}),
          's',
        )
        .addStateStore(Stores.keyValueStoreBuilder('counts', Serdes.String(), Serdes.Int()), ...storeConnectedTo);
    }

    it('should give a processor the store connected to it', () => {
      const driver = new TopologyTestDriver(counting(['counter']));
      const words = driver.createInputTopic('words', Serdes.String(), Serdes.String());
      words.pipeInput('k', 'kafka');
      words.pipeInput('k', 'kafka');
      expect(driver.getKeyValueStore<string, number>('counts').get('kafka')).to.equal(2);
      driver.close();
    });

    it('should refuse a store that is not connected to the processor, naming processor, store and record', () => {
      const driver = new TopologyTestDriver(counting(['other']));
      const error = thrownBy(() => driver.createInputTopic('words', Serdes.String(), Serdes.String()).pipeInput('k', 'kafka'));
      expect(error).to.be.instanceOf(InvalidStateStoreException);
      expect(error.message).to.include('Processor counter has no access to StateStore counts as the store is not connected to the processor');
      expect(error.message).to.include("connect it with addStateStore(builder, 'counter')");
      expect(error.message).to.include('topic words partition 0 offset 0');
      driver.close();
    });

    it('should refuse an unknown store, naming the processor, the store and the stores there are', () => {
      const driver = new TopologyTestDriver(counting(['counter'], 'conts'));
      const error = thrownBy(() => driver.createInputTopic('words', Serdes.String(), Serdes.String()).pipeInput('k', 'kafka'));
      expect(error).to.be.instanceOf(InvalidStateStoreException);
      expect(error.message).to.include('Processor counter asked for unknown StateStore conts; the topology has [counts]');
      driver.close();
    });

    it('should fail the driver constructor when init asks for an unknown store', () => {
      const topology = new Topology().addSource('s', 'in').addProcessor(
        'p',
        () => ({
          init: (context: ProcessorContext) => void context.getStateStore('missing'),
          process: () => {},
        }),
        's',
      );
      expect(() => new TopologyTestDriver(topology)).to.throw(
        StreamsException,
        /Processor p failed to initialize: Processor p asked for unknown StateStore missing/,
      );
    });
  });

  describe('context.recordMetadata', () => {
    it('should give the topic, partition, offset and timestamp of the record being processed', () => {
      const seen: Pick<RecordContext, 'topic' | 'partition' | 'offset' | 'timestamp'>[] = [];
      const topology = new Topology().addSource('s', ['a', 'b'], strings).addProcessor(
        'p',
        processor<string, string>((_record, context) => {
          const { topic, partition, offset, timestamp } = context.recordMetadata()!;
          seen.push({ topic, partition, offset, timestamp });
        }),
        's',
      );

      const driver = new TopologyTestDriver(topology);
      const a = driver.createInputTopic('a', Serdes.String(), Serdes.String());
      const b = driver.createInputTopic('b', Serdes.String(), Serdes.String());
      a.pipeInput('k', 'v', 10);
      a.pipeInput('k', 'v', 20);
      b.pipeInput('k', 'v', 5);
      expect(seen).to.deep.equal([
        { topic: 'a', partition: 0, offset: 0, timestamp: 10 },
        { topic: 'a', partition: 0, offset: 1, timestamp: 20 },
        { topic: 'b', partition: 0, offset: 0, timestamp: 5 },
      ]);
      driver.close();
    });
  });

  describe('errors thrown by process()', () => {
    function failingOn(bad: string): Topology {
      return new Topology()
        .addSource('s', 'in', strings)
        .addProcessor(
          'picky',
          processor<string, string>((record, context) => {
            if (record.value === bad) throw new Error(`cannot take ${bad}`);
            context.forward(record);
          }),
          's',
        )
        .addSink('out-sink', 'out', strings, 'picky');
    }

    it('should stop with a ProcessingException naming the processor and the record', () => {
      const driver = new TopologyTestDriver(failingOn('b'));
      const input = driver.createInputTopic('in', Serdes.String(), Serdes.String());
      input.pipeInput('k', 'a');
      const error = thrownBy(() => input.pipeInput('k', 'b'));
      expect(error).to.be.instanceOf(ProcessingException);
      expect(error.message).to.equal('Processor picky failed: cannot take b (at task 0_0, processor picky, topic in partition 0 offset 1)');
      expect((error.cause as Error).message).to.equal('cannot take b');
      driver.close();
    });

    it("should skip the record and go on with processingExceptionHandler 'log-and-continue'", () => {
      const driver = new TopologyTestDriver(failingOn('b'), { processingExceptionHandler: 'log-and-continue', logger: consoleLogger('nothing') });
      const input = driver.createInputTopic('in', Serdes.String(), Serdes.String());
      for (const value of ['a', 'b', 'c']) input.pipeInput('k', value);
      expect(driver.createOutputTopic('out', Serdes.String(), Serdes.String()).readValuesToList()).to.deep.equal(['a', 'c']);
      driver.close();
    });

    it('should error the outputs of runTopology with the ProcessingException', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const values = { a: { key: 'k', value: 'a' }, b: { key: 'k', value: 'b' }, c: { key: 'k', value: 'c' } };
        const input = cold('-a-b-c|', values);
        const expected = '  -a-(e|)';
        const output = runTopology(failingOn('b'), { in: input })
          .output('out')
          .pipe(catchError((error: Error) => of({ key: error.name, value: error.message })));
        expectObservable(output).toBe(expected, {
          a: values.a,
          e: { key: 'ProcessingException', value: 'Processor picky failed: cannot take b (at task 0_0, processor picky, topic in partition 0 offset 1)' },
        });
      });
    });
  });

  describe('global stores', () => {
    /** A global store of country names loaded from 'countries', read by a processor of orders. */
    function withCountries(orderProcess: (record: StreamRecord<string, string>, context: ProcessorContext<string, string>) => void): Topology {
      return new Topology()
        .addGlobalStore<string, string>(
          Stores.keyValueStoreBuilder('countries', Serdes.String(), Serdes.String()),
          'countries-source',
          'countries',
          strings,
          'countries-loader',
          () => {
            let store: KeyValueStore<string, string>;
            return {
              init: (context) => (store = context.getStateStore('countries')),
              process: (record) => store.put(record.key, record.value),
            };
          },
        )
        .addSource('orders-source', 'orders', strings)
        .addProcessor('enrich', processor(orderProcess), 'orders-source')
        .addSink('enriched-sink', 'enriched', strings, 'enrich');
    }

    const enrich = (record: StreamRecord<string, string>, context: ProcessorContext<string, string>): void => {
      const countries = context.getStateStore<KeyValueStore<string, string>>('countries');
      context.forward({ ...record, value: `${record.value} to ${countries.get(record.key) ?? '?'}` });
    };

    it('should let any processor read the global store without connecting it', () => {
      const driver = new TopologyTestDriver(withCountries(enrich));
      driver.createInputTopic('countries', Serdes.String(), Serdes.String()).pipeInput('nl', 'Netherlands');
      driver.createInputTopic('orders', Serdes.String(), Serdes.String()).pipeInput('nl', 'laptop');

      expect(driver.createOutputTopic('enriched', Serdes.String(), Serdes.String()).readValuesToList()).to.deep.equal(['laptop to Netherlands']);
      expect(driver.getKeyValueStore<string, string>('countries').get('nl')).to.equal('Netherlands');
      driver.close();
    });

    it('should see the global store as it is when each record arrives (marbles)', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const countries = cold('--n----|', { n: { key: 'nl', value: 'Netherlands' } });
        const orders = cold('   a---b--|', { a: { key: 'nl', value: 'laptop' }, b: { key: 'nl', value: 'mouse' } });
        const expected = '      a---b--|';
        const run = runTopology(withCountries(enrich), { countries, orders });
        expectObservable(run.output('enriched')).toBe(expected, { a: { key: 'nl', value: 'laptop to ?' }, b: { key: 'nl', value: 'mouse to Netherlands' } });
      });
    });

    it('should refuse writes to a global store from any processor but its loader', () => {
      const driver = new TopologyTestDriver(
        withCountries((record, context) => {
          context.getStateStore<KeyValueStore<string, string>>('countries').put(record.key, 'overwritten');
        }),
      );
      const error = thrownBy(() => driver.createInputTopic('orders', Serdes.String(), Serdes.String()).pipeInput('nl', 'laptop'));
      expect(error).to.be.instanceOf(InvalidStateStoreException);
      expect(error.message).to.include('Store countries is read-only to processor enrich: global stores are written only from their topic');
      driver.close();
    });
  });
});
