import { expect } from 'chai';
import { InvalidStateStoreException, KafkaStreams, Serdes, StreamsBuilder, StreamsException, consoleLogger, type Topology } from '../../lib/index.ts';
import type { KafkaStreamsConfig } from '../../lib/runtime/kafka-streams-config.ts';

// Mistakes in the scale-out settings are caught when the instance is made, before any broker is asked.
describe('KafkaStreams scale-out settings', () => {
  function topology(): Topology {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('clicks', { keySerde: Serdes.String(), valueSerde: Serdes.String() }).groupByKey().count({ storeName: 'counts' });
    return builder.build();
  }

  function create(overrides: Partial<KafkaStreamsConfig>): KafkaStreams {
    return new KafkaStreams(topology(), { applicationId: 'settings', kafka: { brokers: ['127.0.0.1:1'] }, logger: consoleLogger('nothing'), ...overrides });
  }

  for (const numStreamThreads of [0, -1, 1.5]) {
    it(`refuses numStreamThreads ${numStreamThreads}, naming the setting`, () => {
      expect(() => create({ numStreamThreads })).to.throw(StreamsException, `numStreamThreads must be a whole number of at least 1; got ${numStreamThreads}`);
    });
  }

  it('refuses a negative numStandbyReplicas', () => {
    expect(() => create({ numStandbyReplicas: -1 })).to.throw(StreamsException, 'numStandbyReplicas must be a whole number of at least 0');
  });

  it('refuses maxTaskIdleMs below -1, bufferedRecordsPerPartition 0, a negative taskTimeoutMs and taskStallTimeoutMs 0', () => {
    expect(() => create({ maxTaskIdleMs: -2 })).to.throw(StreamsException, 'maxTaskIdleMs must be a whole number of at least -1');
    expect(() => create({ bufferedRecordsPerPartition: 0 })).to.throw(StreamsException, 'bufferedRecordsPerPartition must be a whole number of at least 1');
    expect(() => create({ taskTimeoutMs: -1 })).to.throw(StreamsException, 'taskTimeoutMs must be a whole number of at least 0');
    expect(() => create({ taskStallTimeoutMs: 0 })).to.throw(StreamsException, 'taskStallTimeoutMs must be a whole number of at least 1');
    expect(() => create({ maxTaskIdleMs: -1, taskTimeoutMs: 0 })).to.not.throw();
  });

  it('refuses maxWarmupReplicas 0 and a negative acceptableRecoveryLag', () => {
    expect(() => create({ maxWarmupReplicas: 0 })).to.throw(StreamsException, 'maxWarmupReplicas must be a whole number of at least 1');
    expect(() => create({ acceptableRecoveryLag: -5 })).to.throw(StreamsException, 'acceptableRecoveryLag');
  });

  it('refuses a negative repartitionPurgeIntervalMs or windowstoreChangelogAdditionalRetentionMs, naming the setting', () => {
    expect(() => create({ repartitionPurgeIntervalMs: -1 })).to.throw(
      StreamsException,
      'repartitionPurgeIntervalMs must be a whole number of at least 0; got -1',
    );
    expect(() => create({ windowstoreChangelogAdditionalRetentionMs: -1000 })).to.throw(
      StreamsException,
      'windowstoreChangelogAdditionalRetentionMs must be a whole number of at least 0; got -1000',
    );
    expect(() => create({ repartitionPurgeIntervalMs: 1.5 })).to.throw(StreamsException, 'repartitionPurgeIntervalMs');
    expect(() => create({ repartitionPurgeIntervalMs: 0, windowstoreChangelogAdditionalRetentionMs: 0 })).to.not.throw();
  });

  for (const replicationFactor of [0, -2, 1.5]) {
    it(`refuses replicationFactor ${replicationFactor}, saying -1 is the broker's default`, () => {
      expect(() => create({ replicationFactor })).to.throw(
        StreamsException,
        `replicationFactor must be -1 (the broker's default.replication.factor) or a whole number of at least 1, e.g. 3; got ${replicationFactor}`,
      );
    });
  }

  it('takes replicationFactor -1 and 3', () => {
    expect(() => create({ replicationFactor: -1 })).to.not.throw();
    expect(() => create({ replicationFactor: 3 })).to.not.throw();
  });

  for (const applicationServer of ['localhost', 'localhost:', ':8080', 'localhost:0', 'localhost:70000', 'http://localhost:8080', 'local host:80']) {
    it(`refuses applicationServer '${applicationServer}', saying it must be host:port`, () => {
      expect(() => create({ applicationServer })).to.throw(StreamsException, `applicationServer must be host:port`);
    });
  }

  it('takes host:port, IPv6 in brackets included', () => {
    expect(() => create({ applicationServer: 'streams-1.internal:8080' })).not.to.throw();
    expect(() => create({ applicationServer: '[::1]:8080' })).not.to.throw();
  });

  it('names the stores the topology has when asked about one it lacks', () => {
    const app = create({ applicationServer: 'localhost:8080' });
    expect(() => app.queryMetadataForKey('count', 'k')).to.throw(InvalidStateStoreException, 'No state store named count; the topology has [counts]');
    expect(() => app.streamsMetadataForStore('count')).to.throw(InvalidStateStoreException, 'No state store named count');
    expect(() => app.store('count')).to.throw(InvalidStateStoreException, 'No state store named count');
  });

  it('says that routing a key needs applicationServer', () => {
    expect(() => create({}).queryMetadataForKey('counts', 'k')).to.throw(StreamsException, 'queryMetadataForKey needs applicationServer');
  });

  it('knows no owner before the group has assigned the tasks', () => {
    const app = create({ applicationServer: 'localhost:8080' });
    expect(app.queryMetadataForKey('counts', 'k')).to.equal(undefined);
    expect(app.metadataForAllStreamsClients()).to.deep.equal([]);
    expect(app.metadataForLocalThreads()).to.deep.equal([]);
  });
});
