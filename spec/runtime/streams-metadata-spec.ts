import { expect } from 'chai';
import { Partitioners } from 'kafkajs';
import { Serdes, StreamsBuilder, StreamsException, TimeWindows } from '../../lib/index.ts';
import { graphOf } from '../../lib/topology/topology.ts';
import { StreamsMetadataState } from '../../lib/runtime/streams-metadata.ts';

// Who owns a key, as every instance works it out from the last assignment (no broker needed).
describe('StreamsMetadataState', () => {
  const builder = new StreamsBuilder();
  const clicks = builder.stream<string, string>('clicks', { keySerde: Serdes.String(), valueSerde: Serdes.String() }).groupByKey();
  clicks.count({ storeName: 'counts' });
  clicks.windowedBy(TimeWindows.ofSizeWithNoGrace(1000)).count({ storeName: 'windowed-counts' });
  const topology = builder.build();
  const plan = topology.plan();
  const subTopologies = plan.subTopologies.map((sub) => ({ id: sub.id, sourceTopics: sub.sourceTopics, changelogTopics: [], stateful: true }));
  const state = new StreamsMetadataState(
    graphOf(topology),
    plan,
    subTopologies,
    (topic) => topic,
    (topic) => (topic === 'clicks' ? 4 : undefined),
    undefined,
  );
  state.update({
    memberId: 'm',
    activeTasks: [],
    standbyTasks: [],
    clients: [
      { processId: 'a', applicationServer: 'host-a:7001', activeTasks: ['0_0', '0_1'], standbyTasks: ['0_2', '0_3'] },
      { processId: 'b', applicationServer: 'host-b:7002', activeTasks: ['0_2', '0_3'], standbyTasks: ['0_0', '0_1'] },
    ],
  });
  const producerPartition = (key: string): number =>
    Partitioners.DefaultPartitioner()({
      topic: 'clicks',
      partitionMetadata: Array.from({ length: 4 }, (_, partitionId) => ({ partitionId, leader: 0 })) as never,
      message: { key: Buffer.from(key), value: null },
    });

  it("puts a key on the partition the producer's default partitioner sends it to, and names its active and standby hosts", () => {
    for (const key of ['laptop', 'mouse', 'k1', 'k2', 'k3']) {
      const partition = producerPartition(key);
      const owner = state.keyQueryMetadata('counts', key);
      expect(owner).to.deep.equal({
        activeHost: partition < 2 ? { host: 'host-a', port: 7001 } : { host: 'host-b', port: 7002 },
        standbyHosts: [partition < 2 ? { host: 'host-b', port: 7002 } : { host: 'host-a', port: 7001 }],
        partition,
      });
    }
  });

  it('routes a windowed store by the plain key, as its input is partitioned', () => {
    for (const key of ['laptop', 'mouse', 'k1']) expect(state.keyQueryMetadata('windowed-counts', key)!.partition).to.equal(producerPartition(key));
  });

  it('lists every instance with the stores and partitions it hosts', () => {
    const [a, b] = state.allMetadata();
    expect(a).to.deep.include({
      hostInfo: { host: 'host-a', port: 7001 },
      stateStoreNames: ['counts', 'windowed-counts'],
      standbyStateStoreNames: ['counts', 'windowed-counts'],
    });
    expect(a!.topicPartitions).to.deep.equal([
      { topic: 'clicks', partition: 0 },
      { topic: 'clicks', partition: 1 },
    ]);
    expect(b!.standbyTopicPartitions.map((tp) => tp.partition)).to.deep.equal([0, 1]);
    expect(state.metadataForStore('counts')).to.have.length(2);
  });

  it('asks for a key serde when the store has none to find the partition with', () => {
    const untyped = new StreamsBuilder();
    untyped.stream('clicks').groupByKey().count({ storeName: 'untyped' });
    const t = untyped.build();
    const p = t.plan();
    const s = new StreamsMetadataState(
      graphOf(t),
      p,
      p.subTopologies.map((sub) => ({ id: sub.id, sourceTopics: sub.sourceTopics, changelogTopics: [], stateful: true })),
      (topic) => topic,
      () => 4,
      undefined,
    );
    s.update({
      memberId: 'm',
      activeTasks: [],
      standbyTasks: [],
      clients: [{ processId: 'a', applicationServer: 'h:1', activeTasks: ['0_0', '0_1', '0_2', '0_3'], standbyTasks: [] }],
    });
    expect(() => s.keyQueryMetadata('untyped', 'k')).to.throw(StreamsException, 'pass one to queryMetadataForKey(store, key, keySerde)');
    expect(s.keyQueryMetadata('untyped', 'k', Serdes.String())!.activeHost).to.deep.equal({ host: 'h', port: 1 });
  });
});
