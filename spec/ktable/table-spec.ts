import { expect } from 'chai';
import { TestScheduler } from 'rxjs/testing';
import { StreamsBuilder, Serdes, consoleLogger, type Topology } from '../../lib/index.ts';
import { runTopology, TopologyTestDriver } from '../../lib/testing/index.ts';

const S = Serdes.String();

/** in (a table) -> toStream -> out */
function tableToStream(storeName?: string): Topology {
  const builder = new StreamsBuilder();
  builder
    .table<string, string>('in', { keySerde: S, valueSerde: S }, storeName ? { storeName } : {})
    .toStream()
    .to('out', { keySerde: S, valueSerde: S });
  return builder.build();
}

function driverFor(topology: Topology) {
  const driver = new TopologyTestDriver(topology, { applicationId: 'app', logger: consoleLogger('nothing') }, 0);
  return {
    driver,
    input: driver.createInputTopic('in', S, S),
    output: driver.createOutputTopic('out', S, S),
  };
}

describe('StreamsBuilder.table', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  it('should keep the latest value per key in its store', () => {
    const { driver, input } = driverFor(tableToStream('people'));
    input.pipeInput('alice', 'v1');
    input.pipeInput('bob', 'v1');
    input.pipeInput('alice', 'v2');
    const store = driver.getKeyValueStore<string, string>('people');
    expect(store.get('alice')).to.equal('v2');
    expect(store.get('bob')).to.equal('v1');
    expect(store.all()).to.deep.equal([
      { key: 'alice', value: 'v2' },
      { key: 'bob', value: 'v1' },
    ]);
  });

  it('should delete a key on a null value (tombstone)', () => {
    const { driver, input } = driverFor(tableToStream('people'));
    input.pipeInput('alice', 'v1');
    input.pipeInput('bob', 'v1');
    input.pipeInput('alice', null as unknown as string);
    const store = driver.getKeyValueStore<string, string>('people');
    expect(store.get('alice')).to.equal(undefined);
    expect(store.approximateNumEntries()).to.equal(1);
  });

  it('should emit every update from toStream, and a tombstone as a null value', () => {
    const { input, output } = driverFor(tableToStream());
    input.pipeInput('k', 'a1');
    input.pipeInput('k', 'a2');
    input.pipeInput('k', null as unknown as string);
    expect(output.readKeyValuesToList()).to.deep.equal([
      { key: 'k', value: 'a1' },
      { key: 'k', value: 'a2' },
      { key: 'k', value: null },
    ]);
  });

  it('should forward a tombstone for a key it never had as a null value, as an uncached Kafka Streams table does', () => {
    const { input, output } = driverFor(tableToStream());
    input.pipeInput('missing', null as unknown as string);
    expect(output.readKeyValuesToList()).to.deep.equal([{ key: 'missing', value: null }]);
  });

  it('should skip a record with a null key: a row needs a key', () => {
    const { driver, input, output } = driverFor(tableToStream('people'));
    input.pipeInput(null as unknown as string, 'orphan');
    input.pipeInput('k', 'v');
    expect(output.readKeyValuesToList()).to.deep.equal([{ key: 'k', value: 'v' }]);
    expect(driver.getKeyValueStore('people').approximateNumEntries()).to.equal(1);
  });

  it('should have no store while nothing needs its rows, as Kafka Streams does not materialize it', () => {
    const topology = tableToStream();
    expect(topology.describe().toString()).to.include('Processor: KTABLE-SOURCE-0000000002 (stores: [])');
    const { driver, input, output } = driverFor(topology);
    input.pipeInput('k', 'v');
    expect([...driver.getAllStateStores().keys()]).to.deep.equal([]);
    expect(output.readKeyValuesToList()).to.deep.equal([{ key: 'k', value: 'v' }]);
  });

  it('should name its store <topic>-STATE-STORE-n when no store name is given and a join needs its rows', () => {
    const builder = new StreamsBuilder();
    const table = builder.table<string, string>('in', { keySerde: S, valueSerde: S });
    builder
      .stream<string, string>('orders', { keySerde: S, valueSerde: S })
      .join(table, (order, row) => `${order} for ${row}`)
      .to('out', { keySerde: S, valueSerde: S });
    const topology = builder.build();
    expect(topology.describe().toString()).to.include('Processor: KTABLE-SOURCE-0000000002 (stores: [in-STATE-STORE-0000000000])');
    const { driver, input, output } = driverFor(topology);
    input.pipeInput('k', 'v');
    driver.createInputTopic('orders', S, S).pipeInput('k', 'o1');
    expect([...driver.getAllStateStores().keys()]).to.deep.equal(['in-STATE-STORE-0000000000']);
    expect(driver.getKeyValueStore('in-STATE-STORE-0000000000').get('k')).to.equal('v');
    expect(output.readKeyValuesToList()).to.deep.equal([{ key: 'k', value: 'o1 for v' }]);
  });

  it('should keep the record timestamps of the updates', () => {
    const { input, output } = driverFor(tableToStream());
    input.pipeInput('k', 'a', 100);
    input.pipeInput('k', null as unknown as string, 250);
    expect(output.readRecordsToList().map((r) => [r.key, r.value, r.timestamp])).to.deep.equal([
      ['k', 'a', 100],
      ['k', null, 250],
    ]);
  });

  it('should fail naming the source when a value cannot be deserialized', () => {
    const builder = new StreamsBuilder();
    builder
      .table<string, number>('in', { keySerde: S, valueSerde: Serdes.Json<number>() })
      .toStream()
      .to('out', { keySerde: S, valueSerde: Serdes.Json<number>() });
    const driver = new TopologyTestDriver(builder.build(), { applicationId: 'app', logger: consoleLogger('nothing') }, 0);
    const raw = driver.createInputTopic('in', S, S);
    expect(() => raw.pipeInput('k', 'not json'))
      .to.throw(/Could not deserialize the value/)
      .with.property('message')
      .that.contains('processor KSTREAM-SOURCE-0000000001, topic in partition 0 offset 0');
  });

  it('should update over time as a marble diagram', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const input = cold('  -a-b--c-d|', {
        a: { key: 'k', value: 'a1' },
        b: { key: 'j', value: 'b1' },
        c: { key: 'k', value: 'a2' },
        d: { key: 'k', value: null },
      });
      const expected = '    -w-x--y-z|';
      const run = runTopology(tableToStream('t'), { in: input });
      expectObservable(run.output('out')).toBe(expected, {
        w: { key: 'k', value: 'a1' },
        x: { key: 'j', value: 'b1' },
        y: { key: 'k', value: 'a2' },
        z: { key: 'k', value: null },
      });
    });
  });

  it('should pass on an input error to its outputs', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const input = cold('  -a-#', { a: { key: 'k', value: 'a1' } }, new Error('source broke'));
      const expected = '    -x-#';
      const run = runTopology(tableToStream(), { in: input });
      expectObservable(run.output('out')).toBe(expected, { x: { key: 'k', value: 'a1' } }, new Error('source broke'));
    });
  });
});
