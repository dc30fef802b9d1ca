// The entry of a stream thread on a worker thread: builds the user's app from its module, runs it
// as one group member of the parent's instance (same processId), and reports to the parent.
import { parentPort, workerData } from 'node:worker_threads';
import { StreamsException, errorMessage } from '../errors.ts';
import { KafkaStreams } from './kafka-streams.ts';
import type { KafkaStreamsConfig } from './kafka-streams-config.ts';
import type { Topology } from '../topology/topology.ts';
import type { FromWorker, StreamThreadWorkerData, ToWorker } from './worker-messages.ts';

const data = workerData as StreamThreadWorkerData;
const port = parentPort!;
const post = (message: FromWorker): void => port.postMessage(message);

async function run(): Promise<void> {
  const module = (await import(data.threadModule)) as { default?: unknown };
  if (typeof module.default !== 'function') {
    throw new StreamsException(
      `threadModule ${data.threadModule} must default-export a function that returns { topology, config } (it is called in each stream thread's worker)`,
    );
  }
  const built = (await (module.default as () => unknown)()) as { topology?: Topology; config?: KafkaStreamsConfig } | undefined;
  if (!built?.topology || !built.config) {
    throw new StreamsException(`The default export of threadModule ${data.threadModule} returned no { topology, config }`);
  }
  const app = new KafkaStreams(
    built.topology,
    { ...built.config, numStreamThreads: 1, threadModule: undefined },
    { processId: data.processId, threadIndex: data.threadIndex, onAssignment: (info) => post({ type: 'assignment', info }) },
  );
  const snapshot = (): void =>
    post({
      type: 'snapshot',
      snapshot: {
        state: app.state,
        threads: app.metadataForLocalThreads(),
        activeTasks: app.activeTasks(),
        standbyTasks: app.standbyTasks(),
        metrics: app.metrics(),
      },
    });
  app.state$.subscribe((state) => {
    snapshot();
    if (state === 'ERROR') post({ type: 'failed', message: app.error?.message ?? 'the stream thread failed' });
  });
  app.restoration$.subscribe((progress) => post({ type: 'restoration', progress }));
  const timer = setInterval(snapshot, 500);
  port.on('message', (message: ToWorker) => {
    if (message.type === 'close') {
      clearInterval(timer);
      void app.close().finally(() => {
        post({ type: 'closed' });
        port.close();
      });
      return;
    }
    try {
      const store = app.store(message.store, { enableStaleStores: message.stale });
      const read = message.read;
      const result =
        read.op === 'get'
          ? store.get(read.key)
          : read.op === 'range'
            ? store.range(read.from, read.to)
            : read.op === 'all'
              ? store.all()
              : store.approximateNumEntries();
      post({ type: 'answer', id: message.id, result });
    } catch (error) {
      post({ type: 'answer', id: message.id, error: { name: error instanceof Error ? error.name : 'Error', message: errorMessage(error) } });
    }
  });
  await app.start();
  snapshot();
  post({ type: 'started' });
}

run().catch((error) => post({ type: 'failed', message: errorMessage(error) }));
