import { expect } from 'chai';
import { TestScheduler } from 'rxjs/testing';
import {
  FixedKeyRecord,
  Serdes,
  Stores,
  StreamsBuilder,
  StreamsException,
  type FixedKeyProcessorContext,
  type FixedKeyProcessorSupplier,
  type KeyValueStore,
  type ProcessorContext,
  type ProcessorSupplier,
} from '../../lib/index.ts';
import { runTopology, TopologyTestDriver } from '../../lib/testing/index.ts';
import { errorText } from './helpers.ts';

const str = Serdes.String();
const int = Serdes.Int();

/** Numbers each visit per user, remembering the count in the store 'visits'. */
const visitCounter: FixedKeyProcessorSupplier<string, string, string> = () => {
  let context: FixedKeyProcessorContext<string, string>;
  let visits: KeyValueStore<string, number>;
  return {
    init(ctx) {
      context = ctx;
      visits = ctx.getStateStore<KeyValueStore<string, number>>('visits');
    },
    process(record) {
      const count = (visits.get(record.key) ?? 0) + 1;
      visits.put(record.key, count);
      context.forward(record.withValue(`${record.value} (visit ${count})`));
    },
  };
};

/** Forwards each record with the value's length, or nothing for an empty value. */
const lengthsOf =
  <K>(): FixedKeyProcessorSupplier<K, string, number> =>
  () => {
    let context: FixedKeyProcessorContext<K, number>;
    return {
      init(ctx) {
        context = ctx;
      },
      process(record) {
        if (record.value !== '') context.forward(record.withValue(record.value.length));
      },
    };
  };

/** Each passes every record on as it came: the two differ only in what the DSL knows of the key. */
const passOn: ProcessorSupplier<string, string, string, string> = () => {
  let context: ProcessorContext<string, string>;
  return {
    init(ctx) {
      context = ctx;
    },
    process(record) {
      context.forward(record);
    },
  };
};
const passOnFixedKey: FixedKeyProcessorSupplier<string, string, string> = () => {
  let context: FixedKeyProcessorContext<string, string>;
  return {
    init(ctx) {
      context = ctx;
    },
    process(record) {
      context.forward(record);
    },
  };
};

/** page-views -> (process or processValues) -> group by key -> count -> visit-counts. */
function countAfter(step: 'process' | 'processValues'): StreamsBuilder {
  const builder = new StreamsBuilder();
  const views = builder.stream<string, string>('page-views', { keySerde: str, valueSerde: str });
  const processed = step === 'process' ? views.process(passOn) : views.processValues(passOnFixedKey);
  processed
    .groupByKey({ name: 'views-by-user', keySerde: str, valueSerde: str })
    .count({ storeName: 'visit-counts' })
    .toStream()
    .mapValues((count) => String(count))
    .to('visit-counts', { keySerde: str, valueSerde: str });
  return builder;
}

describe('KStream.processValues', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  it('should replace the values, keeping the keys, with the store passed by name connected to the processor', () => {
    const builder = new StreamsBuilder();
    builder.addStateStore(Stores.keyValueStoreBuilder('visits', str, int));
    builder
      .stream<string, string>('page-views', { keySerde: str, valueSerde: str })
      .processValues(visitCounter, 'visits')
      .to('numbered-views', { keySerde: str, valueSerde: str });
    const driver = new TopologyTestDriver(builder.build(), { applicationId: 'app' }, 0);
    const input = driver.createInputTopic('page-views', str, str);

    input.pipeInput('u1', '/home');
    input.pipeInput('u2', '/home');
    input.pipeInput('u1', '/cart');

    expect(driver.createOutputTopic('numbered-views', str, str).readKeyValuesToList()).to.deep.equal([
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
      builder.stream<string, string>('words').processValues(lengthsOf()).to('lengths');

      const words = cold('-a-b--c-|', { a: { key: 'w1', value: 'hello' }, b: { key: 'w2', value: '' }, c: { key: 'w3', value: 'ok' } });
      const expected = '  -x----z-|';
      expectObservable(runTopology(builder.build(), { words }).output('lengths')).toBe(expected, {
        x: { key: 'w1', value: 5 },
        z: { key: 'w3', value: 2 },
      });
    });
  });

  it('should hand the processor FixedKeyRecords, which can replace value, timestamp and headers but not the key', () => {
    // Compile-time half: `npm run typecheck` fails if any of these lines compiles.
    const typeChecks = (record: FixedKeyRecord<string, string>, context: FixedKeyProcessorContext<string, string>): void => {
      // @ts-expect-error: there is no withKey
      record.withKey('other');
      // @ts-expect-error: a spread is a plain object, not a FixedKeyRecord, so it cannot carry another key
      context.forward({ ...record, key: 'other' });
      // @ts-expect-error: only the engine makes FixedKeyRecords
      context.forward(new FixedKeyRecord('other', record.value, record.timestamp, record.headers));
    };
    void typeChecks;
    const received: FixedKeyRecord<string, string>[] = [];
    const builder = new StreamsBuilder();
    builder
      .stream<string, string>('orders', { keySerde: str, valueSerde: str })
      .processValues<string>(() => {
        let context: FixedKeyProcessorContext<string, string>;
        return {
          init(ctx) {
            context = ctx;
          },
          process(record) {
            received.push(record);
            context.forward(
              record
                .withValue(record.value.toUpperCase())
                .withTimestamp(record.timestamp + 500)
                .withHeaders({ ...record.headers, checked: 'yes' }),
            );
          },
        };
      })
      .to('checked-orders', { keySerde: str, valueSerde: str });
    const driver = new TopologyTestDriver(builder.build(), { applicationId: 'app' }, 0);

    driver.createInputTopic('orders', str, str).pipeInput('o1', 'pending', 1000, { source: 'web' });

    expect(received).to.have.length(1);
    expect(received[0]).to.be.an.instanceOf(FixedKeyRecord);
    expect(received[0]).not.to.respondTo('withKey');
    expect(driver.createOutputTopic('checked-orders', str, str).readRecord()).to.deep.equal({
      topic: 'checked-orders',
      key: 'o1',
      value: 'PENDING',
      timestamp: 1500,
      headers: { source: 'web', checked: 'yes' },
    });
    driver.close();
  });

  it('should fail naming the processor when it gives a record a negative timestamp', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, number>('readings')
        .processValuesNamed<number>('shift-back', () => {
          let context: FixedKeyProcessorContext<string, number>;
          return {
            init(ctx) {
              context = ctx;
            },
            process(record) {
              context.forward(record.withTimestamp(record.timestamp - 5));
            },
          };
        })
        .to('shifted');

      const readings = cold('-a-b-|', { a: { key: 'r1', value: 1, timestamp: 7 }, b: { key: 'r2', value: 2, timestamp: 3 } });
      const expected = '     -a-#';
      const error =
        "ProcessingException: Processor shift-back failed: Malformed record: a FixedKeyRecord's timestamp may not be negative; got -2 " +
        '(at task 0_0, processor shift-back, topic readings partition 0 offset 1)';
      expectObservable(runTopology(builder.build(), { readings }).output('shifted').pipe(errorText())).toBe(expected, { a: { key: 'r1', value: 1 } }, error);
    });
  });

  it("should keep the stream's key serde, as the key cannot change", () => {
    const builder = new StreamsBuilder();
    builder.stream<number, string>('words-by-id', { keySerde: int, valueSerde: str }).processValues(lengthsOf()).to('lengths-by-id', { valueSerde: int });
    // The default key serde is String: a numeric key reaching the sink through it would fail.
    const driver = new TopologyTestDriver(builder.build(), { applicationId: 'app', defaultKeySerde: str }, 0);

    driver.createInputTopic('words-by-id', int, str).pipeInput(7, 'seven');

    expect(driver.createOutputTopic('lengths-by-id', int, int).readKeyValuesToList()).to.deep.equal([{ key: 7, value: 5 }]);
    driver.close();
  });

  it('should forward the records kept in process() from a stream-time punctuation', () => {
    const builder = new StreamsBuilder();
    builder
      .stream<string, number>('temperatures', { keySerde: str, valueSerde: int })
      .processValues<number>(() => {
        // The latest reading per sensor, sent on every 10 s of stream time, stamped with that time.
        const latest = new Map<string, FixedKeyRecord<string, number>>();
        let context: FixedKeyProcessorContext<string, number>;
        return {
          init(ctx) {
            context = ctx;
            ctx.schedule(10_000, 'stream-time', (time) => {
              for (const record of latest.values()) context.forward(record.withTimestamp(time));
              latest.clear();
            });
          },
          process(record) {
            latest.set(record.key, record);
          },
        };
      })
      .to('latest-temperatures', { keySerde: str, valueSerde: int });
    const driver = new TopologyTestDriver(builder.build(), { applicationId: 'app' }, 0);
    const input = driver.createInputTopic('temperatures', str, int);
    const output = driver.createOutputTopic('latest-temperatures', str, int);

    input.pipeInput('s1', 20, 1_000);
    const first = output.readRecordsToList().map(({ key, value, timestamp }) => ({ key, value, timestamp }));
    input.pipeInput('s2', 15, 4_000);
    input.pipeInput('s1', 21, 9_000);
    input.pipeInput('s1', 22, 10_500);
    input.pipeInput('s2', 16, 12_000);

    expect(first).to.deep.equal([{ key: 's1', value: 20, timestamp: 1_000 }]);
    expect(output.readRecordsToList().map(({ key, value, timestamp }) => ({ key, value, timestamp }))).to.deep.equal([
      { key: 's2', value: 15, timestamp: 10_500 },
      { key: 's1', value: 22, timestamp: 10_500 },
    ]);
    driver.close();
  });

  it('should forward to the named child only, and fail naming the children for a name that is not one', () => {
    const builder = new StreamsBuilder();
    const routed = builder.stream<string, number>('numbers', { keySerde: str, valueSerde: int }).processValuesNamed<number>('route', () => {
      let context: FixedKeyProcessorContext<string, number>;
      return {
        init(ctx) {
          context = ctx;
        },
        process(record) {
          context.forward(record, record.value < 0 ? 'negatives' : record.value % 2 === 0 ? 'evens' : 'odds');
        },
      };
    });
    routed.filter(() => true, 'evens').to('evens', { keySerde: str, valueSerde: int });
    routed.filter(() => true, 'odds').to('odds', { keySerde: str, valueSerde: int });
    const driver = new TopologyTestDriver(builder.build(), { applicationId: 'app' }, 0);
    const input = driver.createInputTopic('numbers', str, int);

    input.pipeInput('a', 1);
    input.pipeInput('b', 2);
    input.pipeInput('c', 3);

    expect(driver.createOutputTopic('evens', str, int).readKeyValuesToList()).to.deep.equal([{ key: 'b', value: 2 }]);
    expect(driver.createOutputTopic('odds', str, int).readKeyValuesToList()).to.deep.equal([
      { key: 'a', value: 1 },
      { key: 'c', value: 3 },
    ]);
    expect(() => input.pipeInput('d', -1))
      .to.throw(StreamsException)
      .with.property('message')
      .that.contains('Unknown downstream node: negatives either does not exist or is not connected to processor route; its children are [evens, odds]');
    driver.close();
  });

  it('should not repartition before a grouping, where process() does', () => {
    const run = (step: 'process' | 'processValues') => {
      const driver = new TopologyTestDriver(countAfter(step).build(), { applicationId: 'app' }, 0);
      const input = driver.createInputTopic('page-views', str, str);
      input.pipeInput('u1', '/home');
      input.pipeInput('u2', '/home');
      input.pipeInput('u1', '/cart');
      const result = { topics: [...driver.producedTopicNames()], u1: driver.getKeyValueStore<string, number>('visit-counts').get('u1') };
      driver.close();
      return result;
    };

    expect(run('processValues')).to.deep.equal({ topics: ['visit-counts'], u1: 2 });
    expect(run('process')).to.deep.equal({ topics: ['app-views-by-user-repartition', 'visit-counts'], u1: 2 });
  });

  it('should not repartition before a stream-table join', () => {
    const builder = new StreamsBuilder();
    const users = builder.table<string, string>('users', { keySerde: str, valueSerde: str });
    builder
      .stream<string, string>('page-views', { keySerde: str, valueSerde: str })
      .processValues(lengthsOf())
      .join(users, (length, name) => `${name}: ${length}`)
      .to('named-lengths', { keySerde: str, valueSerde: str });
    const topology = builder.build();
    const driver = new TopologyTestDriver(topology, { applicationId: 'app' }, 0);

    driver.createInputTopic('users', str, str).pipeInput('u1', 'Ada');
    driver.createInputTopic('page-views', str, str).pipeInput('u1', '/home');

    expect(topology.describe().subtopologies).to.have.length(1);
    expect(driver.createOutputTopic('named-lengths', str, str).readValuesToList()).to.deep.equal(['Ada: 5']);
    expect([...driver.producedTopicNames()]).to.deep.equal(['named-lengths']);
    driver.close();
  });

  it('should still repartition before a grouping when the key changed before processValues', () => {
    const builder = new StreamsBuilder();
    builder
      .stream<string, string>('page-views', { keySerde: str, valueSerde: str })
      .selectKey((_user, page) => page)
      .processValues(lengthsOf())
      .groupByKey({ name: 'by-page', keySerde: str, valueSerde: int })
      .count({ storeName: 'page-counts' });
    const driver = new TopologyTestDriver(builder.build(), { applicationId: 'app' }, 0);

    driver.createInputTopic('page-views', str, str).pipeInput('u1', '/home');

    expect([...driver.producedTopicNames()]).to.deep.equal(['app-by-page-repartition']);
    expect(driver.getKeyValueStore<string, number>('page-counts').get('/home')).to.equal(1);
    driver.close();
  });

  it('should describe the processor as KSTREAM-PROCESSVALUES-<n> with its stores, in one sub-topology with the grouping', () => {
    const builder = new StreamsBuilder();
    builder.addStateStore(Stores.keyValueStoreBuilder('visits', str, int));
    builder.stream<string, string>('page-views').processValues(visitCounter, 'visits').groupByKey().count();

    expect(builder.build().describe().toString()).to.equal(
      [
        'Topologies:',
        '   Sub-topology: 0',
        '    Source: KSTREAM-SOURCE-0000000000 (topics: [page-views])',
        '      --> KSTREAM-PROCESSVALUES-0000000001',
        '    Processor: KSTREAM-PROCESSVALUES-0000000001 (stores: [visits])',
        '      --> KSTREAM-AGGREGATE-0000000003',
        '      <-- KSTREAM-SOURCE-0000000000',
        '    Processor: KSTREAM-AGGREGATE-0000000003 (stores: [KSTREAM-AGGREGATE-STATE-STORE-0000000002])',
        '      --> none',
        '      <-- KSTREAM-PROCESSVALUES-0000000001',
        '',
        '',
      ].join('\n'),
    );
  });

  it('should take the name processValuesNamed gives, burning no generated index (as Kafka)', () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('page-views').processValuesNamed('lengths', lengthsOf()).groupByKey().count();

    expect(builder.build().describe().toString()).to.contain(
      [
        '    Processor: lengths (stores: [])',
        '      --> KSTREAM-AGGREGATE-0000000002',
        '      <-- KSTREAM-SOURCE-0000000000',
        '    Processor: KSTREAM-AGGREGATE-0000000002 (stores: [KSTREAM-AGGREGATE-STATE-STORE-0000000001])',
      ].join('\n'),
    );
  });

  it('should fail naming the processor and the store when the store was not passed to processValues()', () => {
    const builder = new StreamsBuilder();
    builder.addStateStore(Stores.keyValueStoreBuilder('visits', str, int));
    builder.stream<string, string>('page-views').processValuesNamed('count-visits', visitCounter);

    expect(() => new TopologyTestDriver(builder.build(), { applicationId: 'app' }, 0))
      .to.throw(StreamsException)
      .with.property('message')
      .that.contains(
        'Processor count-visits failed to initialize: Processor count-visits has no access to StateStore visits as the store is not connected to the processor',
      );
  });

  it('should close the processor when the driver closes', () => {
    const closed: string[] = [];
    const builder = new StreamsBuilder();
    builder.stream<string, string>('page-views', { keySerde: str, valueSerde: str }).processValues(() => ({
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
