import { expect } from 'chai';
import { TestScheduler } from 'rxjs/testing';
import { StreamsBuilder, Serdes, consoleLogger, ProcessingException, type KGroupedTable, type KTable, type Serde } from '../../lib/index.ts';
import { runTopology, TopologyTestDriver } from '../../lib/testing/index.ts';

const S = Serdes.String();
const I = Serdes.Int();
const deleted = null as unknown as string;

/**
 * in: a table of user -> region; grouped by region (the value), the user name travels as value.
 */
function byRegion(builder: StreamsBuilder): KGroupedTable<string, string> {
  return builder
    .table<string, string>('in', { keySerde: S, valueSerde: S })
    .groupBy((user, region) => ({ key: region, value: user }), { keySerde: S, valueSerde: S });
}

function driverFor<V>(build: (builder: StreamsBuilder) => KTable<string, V>, valueSerde: Serde<V>, config: Record<string, unknown> = {}) {
  const builder = new StreamsBuilder();
  build(builder).toStream().to('out', { keySerde: S, valueSerde });
  const driver = new TopologyTestDriver(builder.build(), { applicationId: 'app', logger: consoleLogger('nothing'), ...config }, 0);
  return { driver, input: driver.createInputTopic('in', S, S), output: driver.createOutputTopic('out', S, valueSerde) };
}

describe('KTable.groupBy', () => {
  it('should repartition through <applicationId>-<store>-repartition', () => {
    const { driver, input } = driverFor((b) => byRegion(b).count({ storeName: 'per-region' }), I);
    input.pipeInput('alice', 'eu');
    expect([...driver.producedTopicNames()].sort()).to.deep.equal(['app-per-region-repartition', 'out']);
  });

  it('should name the repartition topic after the grouping when it has a name', () => {
    const builder = new StreamsBuilder();
    builder
      .table<string, string>('in', { keySerde: S, valueSerde: S })
      .groupBy((user, region) => ({ key: region, value: user }), { keySerde: S, valueSerde: S, name: 'regions' })
      .count({ storeName: 'per-region' })
      .toStream()
      .to('out', { keySerde: S, valueSerde: I });
    const driver = new TopologyTestDriver(builder.build(), { applicationId: 'app' }, 0);
    driver.createInputTopic('in', S, S).pipeInput('alice', 'eu');
    expect(driver.producedTopicNames().has('app-regions-repartition')).to.equal(true);
  });

  it('should print like Kafka Streams: generated sink and source names, no key filter', () => {
    const builder = new StreamsBuilder();
    byRegion(builder).count().toStream().to('out', { keySerde: S, valueSerde: I });
    expect(builder.build().describe().toString()).to.equal(
      'Topologies:\n' +
        '   Sub-topology: 0\n' +
        '    Source: KSTREAM-SOURCE-0000000001 (topics: [in])\n' +
        '      --> KTABLE-SOURCE-0000000002\n' +
        '    Processor: KTABLE-SOURCE-0000000002 (stores: [in-STATE-STORE-0000000000])\n' +
        '      --> KTABLE-SELECT-0000000003\n' +
        '      <-- KSTREAM-SOURCE-0000000001\n' +
        '    Processor: KTABLE-SELECT-0000000003 (stores: [])\n' +
        '      --> KSTREAM-SINK-0000000005\n' +
        '      <-- KTABLE-SOURCE-0000000002\n' +
        '    Sink: KSTREAM-SINK-0000000005 (topic: KTABLE-AGGREGATE-STATE-STORE-0000000004-repartition)\n' +
        '      <-- KTABLE-SELECT-0000000003\n' +
        '\n' +
        '  Sub-topology: 1\n' +
        '    Source: KSTREAM-SOURCE-0000000006 (topics: [KTABLE-AGGREGATE-STATE-STORE-0000000004-repartition])\n' +
        '      --> KTABLE-AGGREGATE-0000000007\n' +
        '    Processor: KTABLE-AGGREGATE-0000000007 (stores: [KTABLE-AGGREGATE-STATE-STORE-0000000004])\n' +
        '      --> KTABLE-TOSTREAM-0000000008\n' +
        '      <-- KSTREAM-SOURCE-0000000006\n' +
        '    Processor: KTABLE-TOSTREAM-0000000008 (stores: [])\n' +
        '      --> KSTREAM-SINK-0000000009\n' +
        '      <-- KTABLE-AGGREGATE-0000000007\n' +
        '    Sink: KSTREAM-SINK-0000000009 (topic: out)\n' +
        '      <-- KTABLE-TOSTREAM-0000000008\n\n',
    );
  });

  it('should generate the repartition sink and source names even when the store is named', () => {
    const builder = new StreamsBuilder();
    byRegion(builder).count({ storeName: 'per-region' }).toStream().to('out', { keySerde: S, valueSerde: I });
    const text = builder.build().describe().toString();
    expect(text).to.contain('Sink: KSTREAM-SINK-0000000004 (topic: per-region-repartition)');
    expect(text).to.contain('Source: KSTREAM-SOURCE-0000000005 (topics: [per-region-repartition])');
    expect(text).to.not.contain('filter');
  });

  it("should name the repartition sink and source after the aggregation's name, not the store", () => {
    const builder = new StreamsBuilder();
    byRegion(builder).count({ storeName: 'per-region' }, 'counted').toStream().to('out', { keySerde: S, valueSerde: I });
    const text = builder.build().describe().toString();
    expect(text).to.contain('Sink: counted-sink (topic: per-region-repartition)');
    expect(text).to.contain('Source: counted-source (topics: [per-region-repartition])');
    expect(text).to.contain('Processor: counted (stores: [per-region])');
  });

  it('should skip rows the selector maps to a null key or a null value', () => {
    const { driver, input, output } = driverFor(
      (b) =>
        b
          .table<string, string>('in', { keySerde: S, valueSerde: S })
          .groupBy(
            (user, region) => ({
              key: region === 'none' ? (null as unknown as string) : region,
              value: region === 'anon' ? (null as unknown as string) : user,
            }),
            {
              keySerde: S,
              valueSerde: S,
            },
          )
          .count({ storeName: 'per-region' }),
      I,
    );
    input.pipeInput('alice', 'none');
    input.pipeInput('bob', 'anon');
    input.pipeInput('carol', 'eu');
    expect(output.readKeyValuesToList()).to.deep.equal([{ key: 'eu', value: 1 }]);
    expect(driver.getKeyValueStore('per-region').all()).to.deep.equal([{ key: 'eu', value: 1 }]);
  });
});

describe('KGroupedTable.count', () => {
  it('should count rows per new key', () => {
    const { driver, input, output } = driverFor((b) => byRegion(b).count({ storeName: 'per-region' }), I);
    input.pipeInput('alice', 'eu');
    input.pipeInput('bob', 'eu');
    input.pipeInput('carol', 'us');
    expect(output.readKeyValuesToList()).to.deep.equal([
      { key: 'eu', value: 1 },
      { key: 'eu', value: 2 },
      { key: 'us', value: 1 },
    ]);
    expect(driver.getKeyValueStore<string, number>('per-region').get('eu')).to.equal(2);
  });

  it("should stamp a group's update with the later of its timestamp and the row's (R1)", () => {
    // Kafka Streams 4.1.2 (KTableAggregate): eu=1@1000, eu=2@1000, then the move gives eu=1@1000, us=1@200.
    const { input, output } = driverFor((b) => byRegion(b).count(), I);
    input.pipeInput('alice', 'eu', 1000);
    input.pipeInput('bob', 'eu', 500);
    input.pipeInput('alice', 'us', 200);
    expect(output.readRecordsToList().map((r) => [r.key, r.value, r.timestamp])).to.deep.equal([
      ['eu', 1, 1000],
      ['eu', 2, 1000],
      ['eu', 1, 1000],
      ['us', 1, 200],
    ]);
  });

  it('should give ONE change when a row is updated within its group', () => {
    const { input, output } = driverFor((b) => byRegion(b).count({ storeName: 'per-region' }), I);
    input.pipeInput('alice', 'eu');
    input.pipeInput('alice', 'eu');
    expect(output.readKeyValuesToList()).to.deep.equal([
      { key: 'eu', value: 1 },
      { key: 'eu', value: 1 },
    ]);
  });

  it('should subtract from the old group first, then add to the new one, when a row moves', () => {
    const { driver, input, output } = driverFor((b) => byRegion(b).count({ storeName: 'per-region' }), I);
    input.pipeInput('alice', 'eu');
    input.pipeInput('bob', 'eu');
    input.pipeInput('alice', 'us');
    expect(output.readKeyValuesToList()).to.deep.equal([
      { key: 'eu', value: 1 },
      { key: 'eu', value: 2 },
      { key: 'eu', value: 1 },
      { key: 'us', value: 1 },
    ]);
    const store = driver.getKeyValueStore<string, number>('per-region');
    expect([store.get('eu'), store.get('us')]).to.deep.equal([1, 1]);
  });

  it('should subtract a deleted row, keeping a count of 0 (no automatic delete)', () => {
    const { driver, input, output } = driverFor((b) => byRegion(b).count({ storeName: 'per-region' }), I);
    input.pipeInput('alice', 'eu');
    input.pipeInput('alice', deleted);
    expect(output.readKeyValuesToList()).to.deep.equal([
      { key: 'eu', value: 1 },
      { key: 'eu', value: 0 },
    ]);
    expect(driver.getKeyValueStore<string, number>('per-region').get('eu')).to.equal(0);
  });

  it('should do nothing for the delete of a row it never had', () => {
    const { input, output } = driverFor((b) => byRegion(b).count({ storeName: 'per-region' }), I);
    input.pipeInput('ghost', deleted);
    expect(output.isEmpty()).to.equal(true);
  });

  it('should count correctly per group whatever order rows arrive and move in (marbles)', () => {
    const testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder
        .table<string, string>('in')
        .groupBy((user, region) => ({ key: region, value: user }))
        .count()
        .toStream()
        .to('out');
      const input = cold('  -a--b--c---d|', {
        a: { key: 'alice', value: 'eu' },
        b: { key: 'bob', value: 'eu' },
        c: { key: 'alice', value: 'us' },
        d: { key: 'bob', value: null },
      });
      const expected = '    -w--x--(yz)v|';
      expectObservable(runTopology(builder.build(), { in: input }).output('out')).toBe(expected, {
        w: { key: 'eu', value: 1 },
        x: { key: 'eu', value: 2 },
        y: { key: 'eu', value: 1 },
        z: { key: 'us', value: 1 },
        v: { key: 'eu', value: 0 },
      });
    });
  });
});

describe('KGroupedTable.reduce', () => {
  /** in: product -> "category:quantity"; sums quantities per category. */
  function sumPerCategory(calls: string[] = []) {
    return (b: StreamsBuilder) =>
      b
        .table<string, string>('in', { keySerde: S, valueSerde: S })
        .groupBy((_product, v) => ({ key: v.split(':')[0]!, value: Number(v.split(':')[1]) }), { keySerde: S, valueSerde: I })
        .reduce(
          (agg, v) => {
            calls.push(`${agg}+${v}`);
            return agg + v;
          },
          (agg, v) => {
            calls.push(`${agg}-${v}`);
            return agg - v;
          },
          { storeName: 'sums' },
        );
  }

  it('should keep the first value as the aggregate without calling the adder', () => {
    const calls: string[] = [];
    const { driver, input } = driverFor(sumPerCategory(calls), I);
    input.pipeInput('laptop', 'tech:3');
    expect(calls).to.deep.equal([]);
    expect(driver.getKeyValueStore('sums').get('tech')).to.equal(3);
  });

  it('should subtract the old value and add the new one for an update within the group', () => {
    const calls: string[] = [];
    const { input, output } = driverFor(sumPerCategory(calls), I);
    input.pipeInput('laptop', 'tech:3');
    input.pipeInput('mouse', 'tech:2');
    input.pipeInput('laptop', 'tech:10');
    expect(output.readKeyValuesToList()).to.deep.equal([
      { key: 'tech', value: 3 },
      { key: 'tech', value: 5 },
      { key: 'tech', value: 12 },
    ]);
    expect(calls).to.deep.equal(['3+2', '5-3', '2+10']);
  });

  it('should move a value between groups: subtract from the old group, then add to the new', () => {
    const { driver, input, output } = driverFor(sumPerCategory(), I);
    input.pipeInput('laptop', 'tech:3');
    input.pipeInput('mouse', 'tech:2');
    input.pipeInput('mouse', 'office:2');
    expect(output.readKeyValuesToList()).to.deep.equal([
      { key: 'tech', value: 3 },
      { key: 'tech', value: 5 },
      { key: 'tech', value: 3 },
      { key: 'office', value: 2 },
    ]);
    expect(driver.getKeyValueStore('sums').all()).to.deep.equal([
      { key: 'office', value: 2 },
      { key: 'tech', value: 3 },
    ]);
  });

  it('should subtract a deleted row', () => {
    const { input, output } = driverFor(sumPerCategory(), I);
    input.pipeInput('laptop', 'tech:3');
    input.pipeInput('mouse', 'tech:2');
    input.pipeInput('laptop', deleted);
    expect(output.readKeyValuesToList().map((kv) => kv.value)).to.deep.equal([3, 5, 2]);
  });

  it('should fail naming the aggregation, its task and the repartition record when the subtractor throws', () => {
    const { input } = driverFor(
      (b) =>
        byRegion(b).reduce(
          (a, v) => `${a},${v}`,
          () => {
            throw new Error('cannot subtract');
          },
        ),
      S,
    );
    input.pipeInput('alice', 'eu');
    expect(() => input.pipeInput('alice', 'us'))
      .to.throw(ProcessingException)
      .with.property(
        'message',
        'Processor KTABLE-REDUCE-0000000007 failed: cannot subtract ' +
          '(at task 1_0, processor KTABLE-REDUCE-0000000007, topic app-KTABLE-AGGREGATE-STATE-STORE-0000000004-repartition partition 0 offset 1)',
      );
  });
});

describe('KGroupedTable.aggregate', () => {
  function trace(b: StreamsBuilder) {
    return b
      .table<string, string>('in', { keySerde: S, valueSerde: S })
      .groupBy((_k, v) => ({ key: v[0]!, value: v }), { keySerde: S, valueSerde: S })
      .aggregate(
        () => '',
        (_key, v, agg) => `${agg}+${v}`,
        (_key, v, agg) => `${agg}-${v}`,
        { storeName: 'trace', valueSerde: S },
      );
  }

  it('should follow Kafka Streams step by step: one change in-group, subtract-then-add across groups, subtract on delete', () => {
    const { driver, input, output } = driverFor(trace, S);
    input.pipeInput('k', 'a1');
    input.pipeInput('k', 'a2');
    input.pipeInput('k', 'b1');
    input.pipeInput('k', deleted);
    expect(output.readKeyValuesToList()).to.deep.equal([
      { key: 'a', value: '+a1' },
      { key: 'a', value: '+a1-a1+a2' },
      { key: 'a', value: '+a1-a1+a2-a2' },
      { key: 'b', value: '+b1' },
      { key: 'b', value: '+b1-b1' },
    ]);
    expect(driver.getKeyValueStore('trace').all()).to.deep.equal([
      { key: 'a', value: '+a1-a1+a2-a2' },
      { key: 'b', value: '+b1-b1' },
    ]);
  });

  it('should start each group from the initializer', () => {
    const inits: number[] = [];
    const { output, input } = driverFor(
      (b) =>
        byRegion(b).aggregate(
          () => {
            inits.push(1);
            return 100;
          },
          (_k, _v, agg) => agg + 1,
          (_k, _v, agg) => agg - 1,
        ),
      I,
    );
    input.pipeInput('alice', 'eu');
    input.pipeInput('bob', 'us');
    input.pipeInput('carol', 'eu');
    expect(output.readKeyValuesToList()).to.deep.equal([
      { key: 'eu', value: 101 },
      { key: 'us', value: 101 },
      { key: 'eu', value: 102 },
    ]);
    expect(inits).to.have.length(2);
  });

  it('should pass the group key to the adder and the subtractor', () => {
    const keys: string[] = [];
    const { input } = driverFor(
      (b) =>
        byRegion(b).aggregate(
          () => 0,
          (k, _v, agg) => (keys.push(`+${k}`), agg + 1),
          (k, _v, agg) => (keys.push(`-${k}`), agg - 1),
        ),
      I,
    );
    input.pipeInput('alice', 'eu');
    input.pipeInput('alice', 'us');
    expect(keys).to.deep.equal(['+eu', '-eu', '+us']);
  });

  it("should skip the record when the adder throws under 'log-and-continue'", () => {
    const { input, output } = driverFor(
      (b) =>
        byRegion(b).aggregate(
          () => 0,
          (k, _v, agg) => {
            if (k === 'bad') throw new Error('no');
            return agg + 1;
          },
          (_k, _v, agg) => agg - 1,
        ),
      I,
      { processingExceptionHandler: 'log-and-continue' },
    );
    input.pipeInput('alice', 'bad');
    input.pipeInput('bob', 'eu');
    expect(output.readKeyValuesToList()).to.deep.equal([{ key: 'eu', value: 1 }]);
  });
});
