import { KeyvBackendException } from '../errors.ts';
import type { RuntimeTask } from './runtime-task.ts';

/** Hears how writing a task's stores to their Keyv backends went (the thread tracks an unreachable backend). */
export interface StorePersistenceListener {
  persisted(task: RuntimeTask): void;
  persistFailed(task: RuntimeTask, error: KeyvBackendException): void;
}

/**
 * Writes a task's acknowledged store changes to Keyv after a commit. A backend that cannot be
 * reached does not fail the commit: the changelog already holds the changes, and the stores
 * keep them to write at a later commit.
 */
export async function persistStores(task: RuntimeTask, clean: boolean, listener: StorePersistenceListener): Promise<void> {
  try {
    await task.stores.persist(clean);
  } catch (error) {
    if (!(error instanceof KeyvBackendException)) throw error;
    listener.persistFailed(task, error);
    return;
  }
  listener.persisted(task);
}
