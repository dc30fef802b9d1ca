import { expect } from 'chai';
import { TestScheduler } from 'rxjs/testing';
import {
  StreamsBuilder,
  Serdes,
  Stores,
  InvalidStateStoreException,
  StreamsException,
  consoleLogger,
  type KeyValueStore,
  type ProcessorContext,
  type ProcessorSupplier,
} from '../../lib/index.ts';
import { runTopology, TopologyTestDriver } from '../../lib/testing/index.ts';
import { errorText } from './helpers.ts';

/** Numbers each visit per user, remembering the count in the store 'visits'. */
const visitCounter: ProcessorSupplier<string, string, string, string> = () => {
  let context: ProcessorContext<string, string>;
  let visits: KeyValueStore<string, number>;
  return {
    init(ctx) {
      context = ctx;
      visits = ctx.getStateStore<KeyValueStore<string, number>>('visits');
    },
    process(record) {
      const count = (visits.get(record.key) ?? 0) + 1;
      visits.put(record.key, count);
      context.forward({ ...record, value: `${record.value} (visit ${count})` });
    },
  };
};

describe('KStream.process', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  it('should run the processor on each record with the store passed by name connected to it', () => {
    const builder = new StreamsBuilder();
    builder.addStateStore(Stores.keyValueStoreBuilder('visits', Serdes.String(), Serdes.Int()));
    builder
      .stream<string, string>('page-views', { keySerde: Serdes.String(), valueSerde: Serdes.String() })
      .process(visitCounter, 'visits')
      .to('numbered-views', { keySerde: Serdes.String(), valueSerde: Serdes.String() });
    const driver = new TopologyTestDriver(builder.build(), { applicationId: 'app' }, 0);
    const input = driver.createInputTopic('page-views', Serdes.String(), Serdes.String());

    input.pipeInput('u1', '/home');
    input.pipeInput('u2', '/home');
    input.pipeInput('u1', '/cart');

    expect(driver.createOutputTopic('numbered-views', Serdes.String(), Serdes.String()).readKeyValuesToList()).to.deep.equal([
      { key: 'u1', value: '/home (visit 1)' },
      { key: 'u2', value: '/home (visit 1)' },
      { key: 'u1', value: '/cart (visit 2)' },
    ]);
    expect(driver.getKeyValueStore<string, number>('visits').get('u1')).to.equal(2);
    driver.close();
  });

  it('should emit what the processor forwards, when it forwards it (marbles)', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder.addStateStore(Stores.keyValueStoreBuilder('visits'));
      builder.stream<string, string>('page-views').process(visitCounter, 'visits').to('numbered-views');

      const views = cold('-a-b--c-|', { a: { key: 'u1', value: '/home' }, b: { key: 'u2', value: '/home' }, c: { key: 'u1', value: '/cart' } });
      const expected = '  -x-y--z-|';
      expectObservable(runTopology(builder.build(), { 'page-views': views }).output('numbered-views')).toBe(expected, {
        x: { key: 'u1', value: '/home (visit 1)' },
        y: { key: 'u2', value: '/home (visit 1)' },
        z: { key: 'u1', value: '/cart (visit 2)' },
      });
    });
  });

  it('should let the processor forward zero or many records, with keys and values of new types', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, string>('sentences')
        .process<number, string>(() => {
          let context: ProcessorContext<number, string>;
          return {
            init(ctx) {
              context = ctx;
            },
            process(record) {
              for (const word of record.value.split(' ').filter(Boolean)) context.forward({ ...record, key: word.length, value: word });
            },
          };
        })
        .to('words');

      const sentences = cold('-a--b-----c-|', { a: { key: 's1', value: 'hi you' }, b: { key: 's2', value: '' }, c: { key: 's3', value: 'ok' } });
      const expected = '      -(xy)-----z-|';
      expectObservable(runTopology(builder.build(), { sentences }).output('words')).toBe(expected, {
        x: { key: 2, value: 'hi' },
        y: { key: 3, value: 'you' },
        z: { key: 2, value: 'ok' },
      });
    });
  });

  it('should fire wall-clock punctuations in virtual time', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, number>('clicks')
        .process<string, number>(() => {
          let clicks = 0;
          return {
            init(context) {
              context.schedule(1000, 'wall-clock', (time) => {
                context.forward({ key: 'clicks-per-second', value: clicks, timestamp: time, headers: {} });
                clicks = 0;
              });
            },
            process() {
              clicks++;
            },
          };
        })
        .to('rates');

      const clicks = cold('-a-b 1000ms c 1500ms |', { a: { key: 'u1', value: 1 }, b: { key: 'u2', value: 1 }, c: { key: 'u1', value: 1 } });
      const expected = '   1000ms x 999ms y 504ms |';
      expectObservable(runTopology(builder.build(), { clicks }).records('rates')).toBe(expected, {
        x: { topic: 'rates', key: 'clicks-per-second', value: 2, timestamp: 1000, headers: {} },
        y: { topic: 'rates', key: 'clicks-per-second', value: 1, timestamp: 2000, headers: {} },
      });
    });
  });

  it('should name the processor with processNamed', () => {
    const builder = new StreamsBuilder();
    builder.addStateStore(Stores.keyValueStoreBuilder('visits'));
    builder.stream<string, string>('page-views').processNamed('count-visits', visitCounter, 'visits');

    expect(builder.build().describe().toString()).to.contain('Processor: count-visits (stores: [visits])\n      --> none\n      <-- KSTREAM-SOURCE-0000000000');
  });

  it('should repartition before a grouping, as the processor may have changed the keys', () => {
    const builder = new StreamsBuilder();
    builder
      .stream<string, string>('page-views', { keySerde: Serdes.String(), valueSerde: Serdes.String() })
      .process<string, string>(() => {
        let context: ProcessorContext<string, string>;
        return {
          init(ctx) {
            context = ctx;
          },
          process(record) {
            context.forward({ ...record, key: record.value });
          },
        };
      })
      .groupByKey({ name: 'views-by-page', keySerde: Serdes.String(), valueSerde: Serdes.String() })
      .count({ storeName: 'views-per-page' });
    const driver = new TopologyTestDriver(builder.build(), { applicationId: 'app' }, 0);
    const input = driver.createInputTopic('page-views', Serdes.String(), Serdes.String());

    input.pipeInput('u1', '/home');
    input.pipeInput('u2', '/home');

    expect([...driver.producedTopicNames()]).to.deep.equal(['app-views-by-page-repartition']);
    expect(driver.getKeyValueStore<string, number>('views-per-page').get('/home')).to.equal(2);
    driver.close();
  });

  it('should fail naming the processor and the store when the store was not passed to process()', () => {
    const builder = new StreamsBuilder();
    builder.addStateStore(Stores.keyValueStoreBuilder('visits', Serdes.String(), Serdes.Int()));
    builder.stream<string, string>('page-views').processNamed('count-visits', visitCounter);

    expect(() => new TopologyTestDriver(builder.build(), { applicationId: 'app' }, 0))
      .to.throw(StreamsException)
      .with.property('message')
      .that.contains(
        'Processor count-visits failed to initialize: Processor count-visits has no access to StateStore visits as the store is not connected to the processor',
      );
  });

  it('should fail naming the processor when it asks for a store the topology does not have', () => {
    const views = new StreamsBuilder().stream<string, string>('page-views');

    expect(() => views.processNamed('count-visits', visitCounter, 'visits')).to.throw(
      StreamsException,
      'Invalid topology: StateStore visits is not added yet; add it with addStateStore before connecting processor count-visits',
    );
  });

  it('should fail naming the processor and the record when process throws', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, string>('page-views')
        .processNamed<string, string>('check-path', () => {
          let context: ProcessorContext<string, string>;
          return {
            init(ctx) {
              context = ctx;
            },
            process(record) {
              if (!record.value.startsWith('/')) throw new Error(`bad path ${record.value}`);
              context.forward(record);
            },
          };
        })
        .to('valid-views');

      const views = cold('-a-b-c-|', { a: { key: 'u1', value: '/home' }, b: { key: 'u2', value: 'home' }, c: { key: 'u3', value: '/cart' } });
      const expected = '  -a-#';
      const error =
        'ProcessingException: Processor check-path failed: bad path home (at task 0_0, processor check-path, topic page-views partition 0 offset 1)';
      expectObservable(runTopology(builder.build(), { 'page-views': views }).output('valid-views').pipe(errorText())).toBe(
        expected,
        { a: { key: 'u1', value: '/home' } },
        error,
      );
    });
  });

  it("should skip the record when process throws under processingExceptionHandler 'log-and-continue'", () => {
    const builder = new StreamsBuilder();
    builder.addStateStore(Stores.keyValueStoreBuilder('visits', Serdes.String(), Serdes.Int()));
    builder
      .stream<string, string>('page-views', { keySerde: Serdes.String(), valueSerde: Serdes.String() })
      .filter(() => true)
      .process<string, string>(() => {
        const counter = visitCounter();
        return {
          init: (ctx) => counter.init!(ctx),
          process(record) {
            if (record.value === '') throw new Error('empty path');
            counter.process(record);
          },
        };
      }, 'visits')
      .to('numbered-views', { keySerde: Serdes.String(), valueSerde: Serdes.String() });
    const driver = new TopologyTestDriver(
      builder.build(),
      { applicationId: 'app', processingExceptionHandler: 'log-and-continue', logger: consoleLogger('nothing') },
      0,
    );
    const input = driver.createInputTopic('page-views', Serdes.String(), Serdes.String());

    input.pipeInput('u1', '/home');
    input.pipeInput('u1', '');
    input.pipeInput('u1', '/cart');

    expect(driver.createOutputTopic('numbered-views', Serdes.String(), Serdes.String()).readValuesToList()).to.deep.equal([
      '/home (visit 1)',
      '/cart (visit 2)',
    ]);
    driver.close();
  });

  it('should close the processor when the driver closes', () => {
    const closed: string[] = [];
    const builder = new StreamsBuilder();
    builder.stream<string, string>('page-views', { keySerde: Serdes.String(), valueSerde: Serdes.String() }).process(() => ({
      process() {},
      close() {
        closed.push('closed');
      },
    }));
    const driver = new TopologyTestDriver(builder.build(), { applicationId: 'app' }, 0);
    expect(closed).to.deep.equal([]);

    driver.close();

    expect(closed).to.deep.equal(['closed']);
  });
});
