import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorMessage, ProcessorStateException } from '../errors.ts';
import type { Logger } from '../logger.ts';

/** Kafka Streams' `state.dir` default is `<java.io.tmpdir>/kafka-streams`; ours is the same folder under Node's `os.tmpdir()`. */
export function defaultStateDir(): string {
  return join(tmpdir(), 'kafka-streams');
}

/** The file in a task's directory that says who holds it: `<pid> <instance id> <thread>`. */
const LOCK_FILE = '.lock';

/** How often a lock held by another worker thread of this instance is tried again, and for how long at most. */
const SIBLING_POLL_MS = 100;
const SIBLING_WAIT_MS = 60_000;

/** Who holds a task folder, other than the caller. */
interface Holder {
  readonly description: string;
  /** A worker thread of the same instance: it lets go once its task closes, so waiting is right. */
  readonly sibling: boolean;
}

/** A task directory this instance holds until `release()`. */
export interface TaskDirectoryLock {
  /** `<stateDir>/<applicationId>/<taskId>`, created. */
  readonly path: string;
  /** Gives the directory up (removes the lock file); releasing twice does nothing. */
  release(): void;
}

/**
 * The state directory of one instance: `<stateDir>/<applicationId>/<taskId>/`, one folder per task
 * holding its stores' files, as Kafka Streams' `StateDirectory`. A task's folder is locked while a
 * task of this instance uses it: within the instance a second lock waits for the first to be
 * released (a task closing while its successor opens), and so does a lock of another worker
 * thread of the same instance (a task moving between stream threads on workers). Another instance
 * holding it, in another live process or in this one, is an error naming the folder: two instances
 * never share store files. A lock left by a process that died (SIGKILL) is taken over.
 */
export class StateDirectory {
  /** Task folders this instance holds, with the releases waiting for them. */
  private readonly held = new Map<string, Promise<void>>();
  private readonly releases = new Map<string, () => void>();

  constructor(
    /** The root, `stateDir` of the config. */
    readonly stateDir: string,
    readonly applicationId: string,
    /** This instance's process id (Kafka's `processId`), written in its lock files. */
    private readonly owner: string,
    private readonly logger: Logger,
    /** Which of the instance's threads this is: a worker's index, or `main`. */
    private readonly thread = 'main',
  ) {}

  /** `<stateDir>/<applicationId>`: every task folder of the application on this machine. */
  get applicationDir(): string {
    return join(this.stateDir, this.applicationId);
  }

  /** Where the task's store files live. */
  taskDir(taskId: string): string {
    return join(this.applicationDir, taskId);
  }

  /**
   * Locks the task's folder, creating it. Waits while another task of this instance holds it;
   * fails with a ProcessorStateException naming the folder when another live process does, or
   * when the folder cannot be created.
   */
  async lockTask(taskId: string): Promise<TaskDirectoryLock> {
    const path = this.taskDir(taskId);
    while (this.held.has(taskId)) await this.held.get(taskId);
    let release!: () => void;
    this.held.set(
      taskId,
      new Promise<void>((resolve) => {
        release = resolve;
      }),
    );
    try {
      await this.takeLockFile(path);
    } catch (error) {
      this.held.delete(taskId);
      release();
      throw error;
    }
    let released = false;
    return {
      path,
      release: () => {
        if (released) return;
        released = true;
        this.removeLockFile(path);
        this.held.delete(taskId);
        release();
      },
    };
  }

  /** True while a task of this instance holds the folder. */
  isLocked(taskId: string): boolean {
    return this.held.has(taskId);
  }

  /**
   * Removes the folders of tasks this instance does not hold and no other live process holds,
   * untouched for at least `delayMs`: what is left of tasks that moved away, as Kafka Streams'
   * state cleaner after `state.cleanup.delay.ms`. Returns the task ids removed.
   */
  cleanRemovedTasks(delayMs: number, now = Date.now()): string[] {
    const removed: string[] = [];
    for (const taskId of this.taskIds()) {
      const path = this.taskDir(taskId);
      if (this.held.has(taskId) || this.lockHolder(path) !== undefined) continue;
      if (now - lastModified(path) < delayMs) continue;
      rmSync(path, { recursive: true, force: true });
      removed.push(taskId);
      this.logger.info(`Deleted the state of task ${taskId}: not owned by this instance for ${delayMs} ms`, { path });
    }
    return removed;
  }

  /**
   * Removes the application's whole folder, as `KafkaStreams.cleanUp()`: every store is restored
   * from its changelog at the next start. Refuses while a task folder is held, by this instance or
   * by another live process, naming it.
   */
  cleanUp(): void {
    for (const taskId of this.taskIds()) {
      const path = this.taskDir(taskId);
      const holder = this.held.has(taskId) ? `this instance (${this.owner})` : this.lockHolder(path)?.description;
      if (holder !== undefined) throw new ProcessorStateException(`Cannot clean up ${this.applicationDir}: ${path} is in use by ${holder}`);
    }
    rmSync(this.applicationDir, { recursive: true, force: true });
  }

  private taskIds(): string[] {
    try {
      return readdirSync(this.applicationDir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new ProcessorStateException(`Cannot read the state directory ${this.applicationDir}: ${errorMessage(error)}`, { cause: error });
    }
  }

  private async takeLockFile(path: string): Promise<void> {
    try {
      mkdirSync(path, { recursive: true });
    } catch (error) {
      throw new ProcessorStateException(`Cannot create the task state directory ${path}: ${errorMessage(error)}`, { cause: error });
    }
    const since = Date.now();
    for (let holder = this.lockHolder(path); holder !== undefined; holder = this.lockHolder(path)) {
      if (!holder.sibling || Date.now() - since >= SIBLING_WAIT_MS) {
        throw new ProcessorStateException(
          `The task state directory ${path} is in use by ${holder.description}` +
            (holder.sibling ? ` (waited ${SIBLING_WAIT_MS} ms for it)` : '; each instance needs a stateDir of its own (or a different applicationId)'),
        );
      }
      await new Promise((resolve) => setTimeout(resolve, SIBLING_POLL_MS));
    }
    try {
      writeFileSync(join(path, LOCK_FILE), `${this.lockContent()}\n`);
    } catch (error) {
      throw new ProcessorStateException(`Cannot write the lock file of ${path}: ${errorMessage(error)}`, { cause: error });
    }
  }

  private lockContent(): string {
    return `${process.pid} ${this.owner} ${this.thread}`;
  }

  /** Who else holds the folder, when a live process (or another thread of this one) does; undefined when no one, or a dead process, does. */
  private lockHolder(path: string): Holder | undefined {
    let content: string;
    try {
      content = readFileSync(join(path, LOCK_FILE), 'utf8').trim();
    } catch {
      return undefined;
    }
    if (content === this.lockContent()) return undefined;
    const [pidText, owner, thread] = content.split(' ');
    const pid = Number(pidText);
    if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) {
      this.logger.info(`Taking over ${path}: its lock was left by process ${pidText}, which is gone`);
      return undefined;
    }
    if (pid !== process.pid) return { description: `process ${pid} (instance ${owner})`, sibling: false };
    if (owner === this.owner) return { description: `stream thread ${thread} of this instance`, sibling: true };
    return { description: `another KafkaStreams instance of this process (${owner})`, sibling: false };
  }

  private removeLockFile(path: string): void {
    try {
      if (readFileSync(join(path, LOCK_FILE), 'utf8').trim() === this.lockContent()) unlinkSync(join(path, LOCK_FILE));
    } catch {
      // Gone already (a cleanUp, a user removing the folder): nothing is held.
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The latest modification time of the folder or anything directly in it (LMDB files change, the folder may not). */
function lastModified(path: string): number {
  let latest = statSync(path).mtimeMs;
  for (const name of readdirSync(path)) {
    try {
      latest = Math.max(latest, statSync(join(path, name)).mtimeMs);
    } catch {
      // Removed meanwhile.
    }
  }
  return latest;
}
