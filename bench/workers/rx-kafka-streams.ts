/**
 * rx-kafka-streams on Kafka, the app of rx-kafka-streams-app.ts; with `threads` > 1 its stream
 * threads run on worker threads, each importing that module.
 */
import { KafkaStreams } from '../../lib/index.ts';
import { buildBenchApp } from './rx-kafka-streams-app.ts';
import { emit, runWorker, settingsFromArgv, stopRequested } from './protocol.ts';

const settings = settingsFromArgv();

runWorker(async () => {
  const { topology, config } = buildBenchApp(settings);
  const threads = settings.threads ?? 1;
  const threadModule = new URL('./rx-kafka-streams-app.ts', import.meta.url);
  threadModule.searchParams.set('settings', JSON.stringify(settings));
  const app = new KafkaStreams(topology, threads > 1 ? { ...config, numStreamThreads: threads, threadModule } : config);
  app.state$.subscribe((state) => {
    if (state === 'ERROR') emit({ event: 'error', message: String(app.error) });
  });
  await app.start();
  emit({ event: 'started' });
  await stopRequested();
  await app.close();
});
