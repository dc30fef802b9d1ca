import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { StreamsException } from '../errors.ts';
import { libraryModuleUrl, libraryRequire, moduleExtension } from '../package-location.ts';
import type { Logger } from '../logger.ts';
import type { AssignmentInfo } from './assignor/assignment-info.ts';
import type { TaskRestoreProgress } from './kafka-streams.ts';
import type { FromWorker, StoreRead, StreamThreadWorkerData, ToWorker, WorkerSnapshot } from './worker-messages.ts';

export interface WorkerStreamThreadOptions {
  readonly threadModule: string;
  readonly processId: string;
  readonly threadIndex: number;
  readonly logger: Logger;
  readonly onChange: () => void;
  readonly onAssignment: (info: AssignmentInfo) => void;
  readonly onRestoreProgress: (progress: TaskRestoreProgress) => void;
  readonly onFailure: (error: StreamsException) => void;
}

const EMPTY: WorkerSnapshot = { state: 'CREATED', threads: [], activeTasks: [], standbyTasks: [], metrics: [] };

/**
 * The instance's side of a stream thread running on a worker thread: starts the worker, keeps
 * the latest snapshot of its state and tasks (so the instance answers synchronously about them),
 * and sends store reads to it, which answer asynchronously.
 */
export class WorkerStreamThread {
  snapshot: WorkerSnapshot = EMPTY;
  private readonly worker: Worker;
  private readonly answers = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private nextId = 0;
  private readonly started: Promise<void>;
  private readonly closed: Promise<void>;

  constructor(private readonly options: WorkerStreamThreadOptions) {
    const workerData: StreamThreadWorkerData = {
      threadModule: options.threadModule,
      processId: options.processId,
      threadIndex: options.threadIndex,
      ...(WORKER_ENTRY.endsWith('.ts') ? { loader: tsxRegisterUrl() } : {}),
    };
    // A bootstrap in plain JavaScript: running from TypeScript sources, it loads tsx's loader in
    // the worker first (a worker does not inherit the parent's module hooks on Node 20).
    this.worker = new Worker(BOOTSTRAP, { eval: true, workerData });
    let start!: { resolve: () => void; reject: (error: Error) => void };
    this.started = new Promise((resolve, reject) => (start = { resolve, reject }));
    this.started.catch(() => {});
    this.closed = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.on('message', (message: FromWorker) => {
      switch (message.type) {
        case 'started':
          return start.resolve();
        case 'snapshot':
          this.snapshot = message.snapshot;
          return options.onChange();
        case 'assignment':
          return options.onAssignment(message.info);
        case 'restoration':
          return options.onRestoreProgress(message.progress);
        case 'failed': {
          const error = new StreamsException(`Stream thread ${options.threadIndex} (worker) failed: ${message.message}`);
          start.reject(error);
          return options.onFailure(error);
        }
        case 'answer': {
          const pending = this.answers.get(message.id);
          this.answers.delete(message.id);
          if (!message.error) return pending?.resolve(message.result);
          return pending?.reject(Object.assign(new StreamsException(message.error.message), { name: message.error.name }));
        }
      }
    });
    this.worker.on('error', (error) => {
      const failure = new StreamsException(`Stream thread ${options.threadIndex} (worker) crashed: ${error.message}`, { cause: error });
      start.reject(failure);
      options.onFailure(failure);
    });
    this.worker.once('exit', () => {
      for (const pending of this.answers.values()) pending.reject(new StreamsException(`Stream thread ${options.threadIndex} (worker) has exited`));
      this.answers.clear();
    });
  }

  /** Resolves once the worker's member has joined the group and has its tasks. */
  start(): Promise<void> {
    return this.started;
  }

  read(store: string, stale: boolean, read: StoreRead): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.answers.set(id, { resolve, reject });
      this.send({ type: 'query', id, store, stale, read });
    });
  }

  /** Has the worker close its app (commit, leave the group) and waits for it to exit. */
  async close(): Promise<void> {
    this.send({ type: 'close' });
    const exited = await Promise.race([this.closed.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 60_000).unref())]);
    if (!exited) {
      this.options.logger.warn(`Stream thread ${this.options.threadIndex} (worker) did not close within 60 s; terminating it`);
      await this.worker.terminate();
    }
  }

  private send(message: ToWorker): void {
    this.worker.postMessage(message);
  }
}

/**
 * tsx's ESM API (its `register()` puts its loader in the calling thread), as its package exports
 * it for `import`; the CommonJS build resolves its own ESM part wrongly from a worker.
 */
function tsxRegisterUrl(): string {
  const manifest = libraryRequire.resolve('tsx/package.json');
  const exports = (libraryRequire(manifest) as { exports: Record<string, { import?: { default?: string } }> }).exports;
  const entry = exports['./esm/api']?.import?.default;
  if (!entry) throw new StreamsException('This tsx has no tsx/esm/api to load TypeScript in worker threads; upgrade tsx, or run the compiled library');
  return new URL(entry, pathToFileURL(manifest)).href;
}

// From dist/ (ESM or CommonJS), the compiled entry beside this module; from sources, the .ts one.
const WORKER_ENTRY = libraryModuleUrl(`runtime/stream-thread-worker${moduleExtension}`);

const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
(async () => {
  if (workerData.loader) (await import(workerData.loader)).register();
  await import(${JSON.stringify(WORKER_ENTRY)});
})().catch((error) => { throw error; });
`;
