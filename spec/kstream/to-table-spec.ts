import { expect } from 'chai';
import { TestScheduler } from 'rxjs/testing';
import { StreamsBuilder, Serdes, consoleLogger } from '../../lib/index.ts';
import { runTopology, TopologyTestDriver } from '../../lib/testing/index.ts';

describe('KStream.toTable', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  it('should keep the latest value per key in its store, and delete a key on a null value', () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('profiles', { keySerde: Serdes.String(), valueSerde: Serdes.String() }).toTable({ storeName: 'profiles-table' });
    const driver = new TopologyTestDriver(builder.build(), { applicationId: 'app' }, 0);
    const input = driver.createInputTopic('profiles', Serdes.String(), Serdes.String());
    const store = driver.getKeyValueStore<string, string>('profiles-table');

    input.pipeInput('u1', 'Ann');
    input.pipeInput('u2', 'Bob');
    input.pipeInput('u1', 'Annie');
    expect(store.all()).to.deep.equal([
      { key: 'u1', value: 'Annie' },
      { key: 'u2', value: 'Bob' },
    ]);

    input.pipeInput('u2', null as unknown as string);
    expect(store.get('u2')).to.equal(undefined);
    expect(store.approximateNumEntries()).to.equal(1);
    driver.close();
  });

  it('should emit every update from toStream, a delete as a null value', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder.stream<string, string | null>('profiles').toTable().toStream().to('profile-updates');

      const profiles = cold('-a-b-c-d-|', {
        a: { key: 'u1', value: 'Ann' },
        b: { key: 'u1', value: 'Annie' },
        c: { key: 'u2', value: 'Bob' },
        d: { key: 'u1', value: null },
      });
      const expected = '     -a-b-c-d-|';
      expectObservable(runTopology(builder.build(), { profiles }).output('profile-updates')).toBe(expected, {
        a: { key: 'u1', value: 'Ann' },
        b: { key: 'u1', value: 'Annie' },
        c: { key: 'u2', value: 'Bob' },
        d: { key: 'u1', value: null },
      });
    });
  });

  it('should let the table be read while the stream runs', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder.stream<string, string>('profiles').toTable({ storeName: 'profiles-table' });

      const profiles = cold('-a-b-|', { a: { key: 'u1', value: 'Ann' }, b: { key: 'u1', value: 'Annie' } });
      const run = runTopology(builder.build(), { profiles });
      const store = run.store<string, string>('profiles-table');
      expectObservable(run.output('unused')).toBe('-----|');
      testScheduler.schedule(() => expect(store.get('u1')).to.equal('Ann'), 2);
      testScheduler.schedule(() => expect(store.get('u1')).to.equal('Annie'), 4);
    });
  });

  it('should generate the store name KSTREAM-TOTABLE-STATE-STORE-<n> after the processor KSTREAM-TOTABLE-<n-1>, once an operation needs the rows', () => {
    const builder = new StreamsBuilder();
    builder
      .stream<string, string>('profiles')
      .toTable()
      .groupBy((k, v) => ({ key: v, value: k }))
      .count();

    expect(builder.build().describe().toString()).to.contain('Processor: KSTREAM-TOTABLE-0000000001 (stores: [KSTREAM-TOTABLE-STATE-STORE-0000000002])');
  });

  it('should have no store when nothing needs the rows, as Kafka Streams', () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('profiles').toTable();

    expect(builder.build().describe().toString()).to.contain('Processor: KSTREAM-TOTABLE-0000000001 (stores: [])');
  });

  it('should repartition first when the key changed upstream, through <applicationId>-<name>-repartition', () => {
    const builder = new StreamsBuilder();
    builder
      .stream<string, string>('profiles', { keySerde: Serdes.String(), valueSerde: Serdes.String() })
      .selectKey((_id, email) => email.split('@')[1]!)
      .toTable({ storeName: 'last-user-per-domain', keySerde: Serdes.String() }, 'by-domain');
    const driver = new TopologyTestDriver(builder.build(), { applicationId: 'app' }, 0);
    const input = driver.createInputTopic('profiles', Serdes.String(), Serdes.String());

    input.pipeInput('u1', 'ann@example.com');
    input.pipeInput('u2', 'bob@example.com');

    expect([...driver.producedTopicNames()]).to.deep.equal(['app-by-domain-repartition']);
    expect(driver.getKeyValueStore<string, string>('last-user-per-domain').get('example.com')).to.equal('bob@example.com');
    driver.close();
  });

  it('should skip a record with a null key, as a table row needs a key', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder.stream<string | null, string>('profiles').toTable().toStream().to('profile-updates');

      const profiles = cold('-a-b-c-|', { a: { key: 'u1', value: 'Ann' }, b: { key: null, value: 'ghost' }, c: { key: 'u2', value: 'Bob' } });
      const expected = '     -a---c-|';
      const run = runTopology(builder.build(), { profiles }, { logger: consoleLogger('nothing') });
      expectObservable(run.output('profile-updates')).toBe(expected, { a: { key: 'u1', value: 'Ann' }, c: { key: 'u2', value: 'Bob' } });
    });
  });
});
