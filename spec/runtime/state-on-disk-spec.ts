import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { KafkaStreams, Serdes, StreamsBuilder, type KafkaStreamsConfig } from '../../lib/index.ts';
import { KafkaTestContext, recordingLogger, waitFor } from '../support/kafka-helpers.ts';
import { tempDirPerSuite } from '../support/temp-dirs.ts';

for (const guarantee of ['at_least_once', 'exactly_once_v2'] as const) {
  describe(`Stores on disk across restarts (stores: { default: 'lmdb' }, ${guarantee})`, function () {
    this.timeout(120_000);
    const temp = tempDirPerSuite('state-on-disk');
    let kafka: KafkaTestContext;
    const apps: KafkaStreams[] = [];
    const logs: (() => string)[] = [];

    beforeEach(async () => {
      kafka = await KafkaTestContext.create();
    });

    afterEach(async () => {
      await Promise.allSettled(apps.splice(0).map((app) => app.close()));
      logs.splice(0);
      await kafka.close();
    });

    /** A count per key over `input`, its stores in LMDB under `stateDir`; `restored` sums what its restorations read. */
    function instance(input: string, applicationId: string, stateDir: string, commitIntervalMs = 100): { app: KafkaStreams; restored: () => number } {
      const builder = new StreamsBuilder();
      builder.stream<string, string>(input, { keySerde: Serdes.String(), valueSerde: Serdes.String() }).groupByKey().count({ storeName: 'counts' });
      const { logger, tail } = recordingLogger(`instance-${logs.length + 1}`);
      logs.push(tail);
      const config: KafkaStreamsConfig = {
        applicationId,
        kafka: { brokers: kafka.brokers },
        processingGuarantee: guarantee,
        commitIntervalMs,
        stores: { default: 'lmdb' },
        stateDir,
        logger,
        kafkaLogLevel: 'nothing',
      };
      const app = new KafkaStreams(builder.build(), config);
      apps.push(app);
      let restored = 0;
      app.restoration$.subscribe((progress) => {
        if (progress.done) restored += progress.restored;
      });
      return { app, restored: () => restored };
    }

    const counts = (app: KafkaStreams): Map<string, number> | undefined => {
      try {
        return new Map(
          app
            .store<string, number>('counts')
            .all()
            .map((entry) => [entry.key, entry.value]),
        );
      } catch {
        return undefined; // Restoring, or not assigned yet.
      }
    };
    const total = (app: KafkaStreams): number => [...(counts(app)?.values() ?? [])].reduce((sum, count) => sum + count, 0);
    const keyed = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => ({ key: `k${(from + i) % 1000}`, value: 'x' }));

    it('reopens its stores after a clean close: no changelog record restored, and the counts go on from where they were', async () => {
      const input = kafka.name('clicks');
      await kafka.createTopic(input, 3);
      const applicationId = kafka.name('app');
      const stateDir = temp.path(applicationId);
      await kafka.produce(input, keyed(0, 3000));
      const first = instance(input, applicationId, stateDir);
      await first.app.start();
      await waitFor(
        () => total(first.app) === 3000,
        60_000,
        () => `first run counted ${total(first.app)} of 3000${logs[0]!()}`,
      );
      await first.app.close();

      const second = instance(input, applicationId, stateDir);
      await second.app.start();
      await kafka.produce(input, keyed(3000, 4000));
      await waitFor(
        () => total(second.app) === 4000,
        60_000,
        () => `second run counted ${total(second.app)} of 4000${logs[1]!()}`,
      );
      console.log(`      restored ${second.restored()} changelog records after a clean close`);
      expect(second.restored()).to.equal(0);
      const latest = counts(second.app)!;
      expect(latest.size).to.equal(1000);
      expect([...latest.values()].every((count) => count === 4)).to.equal(true);
    });

    it('cleanUp() deletes the local state, so that the next start restores every store from its changelog; not while running', async () => {
      const input = kafka.name('clicks');
      await kafka.createTopic(input, 3);
      const applicationId = kafka.name('app');
      const stateDir = temp.path(applicationId);
      await kafka.produce(input, keyed(0, 2000));
      const first = instance(input, applicationId, stateDir);
      await first.app.start();
      await waitFor(
        () => total(first.app) === 2000,
        60_000,
        () => `first run counted ${total(first.app)} of 2000${logs[0]!()}`,
      );
      // As Kafka's KafkaStreams.cleanUp(): IllegalStateException while running.
      expect(() => first.app.cleanUp()).to.throw(/Cannot clean up while running/);
      await first.app.close();
      first.app.cleanUp();
      expect(existsSync(join(stateDir, applicationId))).to.equal(false);

      const second = instance(input, applicationId, stateDir);
      await second.app.start();
      await waitFor(
        () => total(second.app) === 2000,
        60_000,
        () => `second run counted ${total(second.app)} of 2000${logs[1]!()}`,
      );
      // Every key's latest count at least: the changelog is not compacted yet, so it may hold more.
      expect(second.restored()).to.be.at.least(1000);
    });

    it('commits before its commit interval once its stores hold 20,000 unwritten changes: the heap holds a bounded write buffer', async () => {
      const input = kafka.name('clicks');
      await kafka.createTopic(input, 1);
      const applicationId = kafka.name('app');
      await kafka.produce(
        input,
        Array.from({ length: 30_000 }, (_, i) => ({ key: `distinct-${i}`, value: 'x' })),
      );
      // Ten minutes: only the write buffer filling up can make it commit within this spec.
      const { app } = instance(input, applicationId, temp.path(applicationId), 600_000);
      await app.start();
      const admin = await kafka.admin();
      const committed = async (): Promise<number> => {
        const [topic] = await admin.fetchOffsets({ groupId: applicationId, topics: [input] });
        return Number(topic?.partitions[0]?.offset ?? -1);
      };
      let offset = -1;
      await waitFor(
        async () => (offset = await committed()) >= 20_000,
        60_000,
        () => `committed offset ${offset}${logs[0]!()}`,
      );
    });
  });
}
