import { expect } from 'chai';
import { TestScheduler } from 'rxjs/testing';
import {
  StreamsBuilder,
  Serdes,
  consoleLogger,
  InvalidStateStoreException,
  type KeyValueStore,
  type ProcessorContext,
  type ProcessorSupplier,
  type Topology,
} from '../../lib/index.ts';
import { runTopology, TopologyTestDriver } from '../../lib/testing/index.ts';

const S = Serdes.String();

/** Looks each order's country code up in the global store and forwards "<order>@<country name>". */
function lookUp(storeName: string): ProcessorSupplier<string, string, string, string> {
  return () => {
    let context!: ProcessorContext<string, string>;
    let countries!: KeyValueStore<string, string>;
    return {
      init(ctx) {
        context = ctx;
        countries = ctx.getStateStore<KeyValueStore<string, string>>(storeName);
      },
      process(record) {
        context.forward({ ...record, value: `${record.key}@${countries.get(record.value) ?? 'unknown'}` });
      },
    };
  };
}

/** countries (global) + orders (order id -> country code) -> process(lookUp) -> out */
function enrichOrders(materialized: { storeName?: string } = { storeName: 'countries' }): { topology: Topology; storeName: string } {
  const builder = new StreamsBuilder();
  const countries = builder.globalTable<string, string>('countries', { keySerde: S, valueSerde: S }, materialized);
  builder
    .stream<string, string>('orders', { keySerde: S, valueSerde: S })
    .process(lookUp(countries.queryableStoreName))
    .to('out', { keySerde: S, valueSerde: S });
  return { topology: builder.build(), storeName: countries.queryableStoreName };
}

function driverFor(topology: Topology, config: Record<string, unknown> = {}) {
  const driver = new TopologyTestDriver(topology, { applicationId: 'app', logger: consoleLogger('nothing'), ...config }, 0);
  return {
    driver,
    countries: driver.createInputTopic('countries', S, S),
    orders: driver.createInputTopic('orders', S, S),
    output: driver.createOutputTopic('out', S, S),
  };
}

describe('StreamsBuilder.globalTable', () => {
  it('should fill its store from its topic, latest value per key', () => {
    const { driver, countries } = driverFor(enrichOrders().topology);
    countries.pipeInput('de', 'Germany');
    countries.pipeInput('fr', 'France');
    countries.pipeInput('de', 'Deutschland');
    expect(driver.getKeyValueStore<string, string>('countries').all()).to.deep.equal([
      { key: 'de', value: 'Deutschland' },
      { key: 'fr', value: 'France' },
    ]);
  });

  it('should delete a key on a tombstone and skip records with a null key', () => {
    const { driver, countries } = driverFor(enrichOrders().topology);
    countries.pipeInput('de', 'Germany');
    countries.pipeInput('fr', 'France');
    countries.pipeInput('de', null as unknown as string);
    countries.pipeInput(null as unknown as string, 'Nowhere');
    expect(driver.getKeyValueStore<string, string>('countries').all()).to.deep.equal([{ key: 'fr', value: 'France' }]);
  });

  it('should name its store <topic>-STATE-STORE-n when no store name is given', () => {
    const { topology, storeName } = enrichOrders({});
    expect(storeName).to.equal('countries-STATE-STORE-0000000000');
    const { driver, countries } = driverFor(topology);
    countries.pipeInput('de', 'Germany');
    expect(driver.getKeyValueStore(storeName).get('de')).to.equal('Germany');
  });

  it('should be readable from a process() step of a stream of another topic', () => {
    const { countries, orders, output } = driverFor(enrichOrders().topology);
    countries.pipeInput('de', 'Germany');
    orders.pipeInput('o1', 'de');
    orders.pipeInput('o2', 'it');
    countries.pipeInput('it', 'Italy');
    orders.pipeInput('o3', 'it');
    expect(output.readKeyValuesToList()).to.deep.equal([
      { key: 'o1', value: 'o1@Germany' },
      { key: 'o2', value: 'o2@unknown' },
      { key: 'o3', value: 'o3@Italy' },
    ]);
  });

  it('should be read-only to the processors that read it', () => {
    const builder = new StreamsBuilder();
    builder.globalTable<string, string>('countries', { keySerde: S, valueSerde: S }, { storeName: 'countries' });
    builder
      .stream<string, string>('orders', { keySerde: S, valueSerde: S })
      .processNamed<string, string>('writer', () => {
        let store!: KeyValueStore<string, string>;
        return {
          init(ctx) {
            store = ctx.getStateStore<KeyValueStore<string, string>>('countries');
          },
          process(record) {
            store.put(record.value, 'overwritten');
          },
        };
      })
      .to('out', { keySerde: S, valueSerde: S });
    const { driver, countries, orders } = driverFor(builder.build());
    countries.pipeInput('de', 'Germany');
    expect(() => orders.pipeInput('o1', 'de'))
      .to.throw(InvalidStateStoreException)
      .with.property('message')
      .that.contains('Store countries is read-only to processor writer');
    expect(() => driver.getKeyValueStore('countries').get('de')).to.not.throw();
    expect(driver.getKeyValueStore('countries').get('de')).to.equal('Germany');
  });

  it('should expose its store name as queryableStoreName', () => {
    const builder = new StreamsBuilder();
    expect(builder.globalTable('rates', {}, { storeName: 'fx' }).queryableStoreName).to.equal('fx');
  });

  it('should serve lookups in the order records arrive (marbles)', () => {
    const testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
    testScheduler.run(({ cold, expectObservable }) => {
      const countries = cold('a---b--|', { a: { key: 'de', value: 'Germany' }, b: { key: 'it', value: 'Italy' } });
      const orders = cold('   -x-y--z|', { x: { key: 'o1', value: 'de' }, y: { key: 'o2', value: 'it' }, z: { key: 'o3', value: 'it' } });
      const expected = '      -p-q--r|';
      const run = runTopology(enrichOrders().topology, { countries, orders });
      expectObservable(run.output('out')).toBe(expected, {
        p: { key: 'o1', value: 'o1@Germany' },
        q: { key: 'o2', value: 'o2@unknown' },
        r: { key: 'o3', value: 'o3@Italy' },
      });
    });
  });
});
