/**
 * The protocol between bench/run.ts and a measured child process (Node here, Java in
 * bench/java/): the child gets its settings as one JSON argument, prints JSON lines on stdout
 * (`started`, `first` with the wall-clock ms of the first input record consumed, optionally `done`,
 * `closed`, `error`), and stops when stdin says `stop` or closes.
 */
import { createInterface } from 'node:readline';

export type Workload = 'consume' | 'consume-produce' | 'passthrough' | 'count' | 'windowed-count' | 'stream-table-join';
export type Guarantee = 'at_least_once' | 'exactly_once_v2';

export interface WorkerSettings {
  readonly workload: Workload;
  readonly guarantee: Guarantee;
  readonly brokers: string[];
  readonly appId: string;
  readonly input: string;
  readonly output: string;
  readonly table: string;
  readonly commitIntervalMs: number;
  /** Records in the input topic: a worker that can tell it is done (the raw baselines) says so. */
  readonly records: number;
  /** Stream threads (rx-kafka-streams: on worker threads when more than 1; Java: num.stream.threads). */
  readonly threads: number;
}

export type WorkerEvent =
  { event: 'started' } | { event: 'first'; t: number } | { event: 'done'; t: number } | { event: 'closed' } | { event: 'error'; message: string };

export function emit(event: WorkerEvent): void {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

export function settingsFromArgv(): WorkerSettings {
  const json = process.argv[2];
  if (!json) throw new Error('Expected the worker settings as a JSON argument (bench/run.ts passes them)');
  return JSON.parse(json) as WorkerSettings;
}

/** Resolves when the parent writes `stop` or closes stdin. */
export function stopRequested(): Promise<void> {
  return new Promise((resolve) => {
    const lines = createInterface({ input: process.stdin });
    lines.on('line', (line) => line.trim() === 'stop' && resolve());
    lines.on('close', resolve);
  });
}

/** Runs the worker, reporting a failure as an `error` event and a non-zero exit. */
export function runWorker(main: () => Promise<void>): void {
  main().then(
    () => {
      emit({ event: 'closed' });
      process.exit(0);
    },
    (error: unknown) => {
      emit({ event: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      process.exit(1);
    },
  );
}
