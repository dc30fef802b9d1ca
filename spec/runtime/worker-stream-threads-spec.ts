import { expect } from 'chai';
import { KafkaStreams, StreamsException } from '../../lib/index.ts';
import { buildClickCounts } from './fixtures/click-count-module.ts';
import { KafkaTestContext, waitFor } from '../support/kafka-helpers.ts';

describe('KafkaStreams with stream threads on worker threads (threadModule)', function () {
  this.timeout(120_000);
  let kafka: KafkaTestContext;
  const apps: KafkaStreams[] = [];

  beforeEach(async () => {
    kafka = await KafkaTestContext.create();
  });

  afterEach(async () => {
    await Promise.allSettled(apps.splice(0).map((app) => app.close()));
    await kafka.close();
  });

  /** The fixture module, with this spec's topics in its URL; the instance is built from it too. */
  function moduleFor(input: string): URL {
    const url = new URL('./fixtures/click-count-module.ts', import.meta.url);
    url.search = new URLSearchParams({ input, applicationId: kafka.name('app'), brokers: kafka.brokers.join(',') }).toString();
    return url;
  }

  it('splits the tasks over two workers, which count as one instance, and answers queries asynchronously', async () => {
    const input = kafka.name('clicks');
    await kafka.createTopic(input, 4);
    const threadModule = moduleFor(input);
    const { topology, config } = buildClickCounts(threadModule.searchParams);
    const app = new KafkaStreams(topology, { ...config, numStreamThreads: 2, threadModule });
    apps.push(app);
    await app.start();
    await waitFor(
      () => app.state === 'RUNNING' && app.activeTasks().length === 4,
      60_000,
      () => `${app.state} [${app.activeTasks()}]`,
    );
    const threads = app.metadataForLocalThreads();
    expect(threads.map((thread) => thread.activeTasks.length)).to.deep.equal([2, 2]);
    expect(new Set(threads.map((thread) => thread.threadName)).size).to.equal(2);
    // Both workers are members of one instance: same process id in their thread names.
    const processIds = threads.map((thread) => thread.threadName.replace(/-StreamThread-\d+$/, ''));
    expect(processIds[0]).to.equal(processIds[1]);

    await kafka.produce(
      input,
      Array.from({ length: 2000 }, (_, i) => ({ key: `k${i % 100}`, value: 'x' })),
    );
    const counts = app.asyncStore<string, number>('counts');
    const complete = async () => {
      try {
        return (await counts.all()).filter(({ value }) => value === 20).length === 100;
      } catch {
        return false;
      }
    };
    await waitFor(complete, 60_000, () => 'counts incomplete');
    expect(await counts.get('k7')).to.equal(20);
    expect(await counts.get('nobody')).to.equal(undefined);
    expect(await counts.approximateNumEntries()).to.equal(100);
    expect((await counts.range('k10', 'k12')).map(({ key }) => key)).to.deep.equal(['k10', 'k11', 'k12']);
    expect(() => app.store('counts')).to.throw(StreamsException, "read it with asyncStore('counts')");

    await app.close();
    expect(app.state).to.equal('NOT_RUNNING');
    expect(app.metadataForLocalThreads().map((thread) => thread.threadState)).to.deep.equal(['DEAD', 'DEAD']);
  });

  it('says what is wrong with a threadModule that has no default export', async () => {
    const input = kafka.name('clicks');
    await kafka.createTopic(input, 1);
    const { topology, config } = buildClickCounts(moduleFor(input).searchParams);
    const app = new KafkaStreams(topology, { ...config, threadModule: new URL('./fixtures/no-default-module.ts', import.meta.url) });
    apps.push(app);
    let failure: unknown;
    await app.start().catch((error: unknown) => (failure = error));
    expect(String(failure)).to.include('must default-export a function that returns { topology, config }');
    expect(app.state).to.equal('ERROR');
  });
});
