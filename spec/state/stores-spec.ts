import { expect } from 'chai';
import { InMemoryKeyValueStore, Serdes, Stores, TopologyException } from '../../lib/index.ts';

describe('Stores.keyValueStoreBuilder', () => {
  it('should describe a store by name and serdes, with logging on by default as in Kafka Streams', () => {
    const keySerde = Serdes.String();
    const valueSerde = Serdes.Long();
    const builder = Stores.keyValueStoreBuilder('counts', keySerde, valueSerde);

    expect(builder.name).to.equal('counts');
    expect(builder.keySerde).to.equal(keySerde);
    expect(builder.valueSerde).to.equal(valueSerde);
    expect(builder.loggingEnabled).to.equal(true);
  });

  it('should switch logging off and on in a new builder, leaving the original as it was', () => {
    const builder = Stores.keyValueStoreBuilder('counts', Serdes.String(), Serdes.Long());
    const quiet = builder.withLoggingDisabled();

    expect(quiet.loggingEnabled).to.equal(false);
    expect(quiet.name).to.equal('counts');
    expect(builder.loggingEnabled).to.equal(true);
    expect(quiet.withLoggingEnabled().loggingEnabled).to.equal(true);
  });

  it("should carry the changelog topic configs given to withLoggingEnabled, as Kafka's logConfig, and drop them when logging is disabled", () => {
    const builder = Stores.keyValueStoreBuilder('counts', Serdes.String(), Serdes.Long());
    expect(builder.changelogConfig).to.deep.equal({});

    const configured = builder.withLoggingEnabled({ 'min.insync.replicas': '1', 'segment.ms': '3600000' });
    expect(configured.loggingEnabled).to.equal(true);
    expect(configured.changelogConfig).to.deep.equal({ 'min.insync.replicas': '1', 'segment.ms': '3600000' });
    expect(configured.withCachingEnabled().changelogConfig).to.deep.equal(configured.changelogConfig);
    expect(configured.withLoggingDisabled().changelogConfig).to.deep.equal({});
    expect(configured.withLoggingEnabled({ 'segment.ms': '60000' }).changelogConfig).to.deep.equal({ 'segment.ms': '60000' });
    expect(builder.changelogConfig).to.deep.equal({});
  });

  it('should refuse a changelog topic config that is not a string, naming the store and the config', () => {
    const builder = Stores.keyValueStoreBuilder('counts', Serdes.String(), Serdes.Long());
    expect(() => builder.withLoggingEnabled({ 'retention.ms': 5000 } as unknown as Record<string, string>)).to.throw(
      TopologyException,
      "Store counts: changelog topic config retention.ms must be a string, e.g. '5000'; got number 5000",
    );
  });

  it('should build a new, independent in-memory store each time (one per task)', () => {
    const builder = Stores.keyValueStoreBuilder<string, number>('counts', Serdes.String(), Serdes.Int());
    const first = builder.build();
    const second = builder.build();
    expect(first).to.be.instanceOf(InMemoryKeyValueStore);
    expect(first).not.to.equal(second);

    first.init({ applicationId: 'app', taskId: '0_0' });
    second.init({ applicationId: 'app', taskId: '0_1' });
    first.put('laptop', 1);
    expect(first.name).to.equal('counts');
    expect(second.get('laptop')).to.equal(undefined);
  });

  it('should give the built store its key serde, which orders its keys', () => {
    const store = Stores.keyValueStoreBuilder<number, string>('ids', Serdes.Int(), Serdes.String()).build();
    store.init({ applicationId: 'app', taskId: '0_0' });
    for (const key of [-1, 2, 1]) store.put(key, String(key));

    expect(store.all().map((entry) => entry.key)).to.deep.equal([1, 2, -1]);
  });

  it('should refuse an empty store name', () => {
    expect(() => Stores.keyValueStoreBuilder('')).to.throw(TypeError, 'A store needs a non-empty name');
  });
});
