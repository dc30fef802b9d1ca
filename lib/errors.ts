/** Where a failure happened: as much of it as is known. */
export interface ErrorLocation {
  /** The task that was running, as Kafka Streams' `TaskId` (e.g. `0_1`: sub-topology 0, partition 1). */
  readonly taskId?: string;
  /** The processor node that failed, by its name in the topology. */
  readonly nodeName?: string;
  /** The state store involved, by name. */
  readonly storeName?: string;
  /** The topic of the record being read or written. */
  readonly topic?: string;
  /** The partition of that record; shown only with `topic`. */
  readonly partition?: number;
  /** The offset of that record; shown only with `topic`. */
  readonly offset?: number;
}

function describeLocation(location: ErrorLocation): string {
  const parts: string[] = [];
  if (location.taskId !== undefined) parts.push(`task ${location.taskId}`);
  if (location.nodeName !== undefined) parts.push(`processor ${location.nodeName}`);
  if (location.storeName !== undefined) parts.push(`store ${location.storeName}`);
  if (location.topic !== undefined) {
    let where = `topic ${location.topic}`;
    if (location.partition !== undefined) where += ` partition ${location.partition}`;
    if (location.offset !== undefined) where += ` offset ${location.offset}`;
    parts.push(where);
  }
  return parts.join(', ');
}

/**
 * The root of every error rx-kafka-streams raises; `location` says where it happened.
 */
export class StreamsException extends Error {
  /** The class's own name (`'StreamsException'`, `'TopologyException'`, ...), for logs and checks that cannot use `instanceof`. */
  override readonly name: string = 'StreamsException';
  /** Where the failure happened; also appended to `message` as `(at task 0_1, processor ...)`. Empty when nothing is known. */
  readonly location: ErrorLocation;

  constructor(message: string, options: { cause?: unknown; location?: ErrorLocation } = {}) {
    const location = options.location ?? {};
    const where = describeLocation(location);
    super(where ? `${message} (at ${where})` : message, { cause: options.cause });
    this.location = location;
  }
}

/** The topology cannot be built or run as written; the message says what to change. */
export class TopologyException extends StreamsException {
  override readonly name = 'TopologyException';

  constructor(message: string) {
    super(`Invalid topology: ${message}`);
  }
}

/** Bytes a serde could not read, or data it could not write. */
export class SerializationException extends StreamsException {
  override readonly name = 'SerializationException';
}

/** A state store was used in a way it does not allow (unknown, closed, not connected, read-only). */
export class InvalidStateStoreException extends StreamsException {
  override readonly name: string = 'InvalidStateStoreException';
}

/**
 * A store's Keyv backend could not be read or written (Redis or Postgres unreachable, say). The
 * changelog holds the store's contents, so nothing is lost: the task keeps the changes in
 * memory and writes them at a later commit, or restores from the changelog.
 */
export class KeyvBackendException extends InvalidStateStoreException {
  override readonly name: string = 'KeyvBackendException';
}

/**
 * A state store's engine could not do what was asked: its directory cannot be created or written,
 * its files cannot be read, or it refused a write. The message names the store's path; the
 * store's changelog still holds its contents (Kafka's exception of the same name).
 */
export class ProcessorStateException extends StreamsException {
  override readonly name = 'ProcessorStateException';
}

/** A user function (predicate, mapper, aggregator, processor) threw while processing a record. */
export class ProcessingException extends StreamsException {
  override readonly name = 'ProcessingException';
}

/**
 * Another instance has taken over the task (its producer was fenced). Not a failure of the
 * application: the runtime drops the task and joins the group again, as Kafka Streams does.
 */
export class TaskMigratedException extends StreamsException {
  override readonly name = 'TaskMigratedException';
}

/**
 * A task's uncommitted work is lost: its transaction failed for a reason that can pass (the broker
 * restarting), or its producer was left unusable. Not a failure of the application: the runtime
 * closes the task and starts it again from its last commit, as Kafka Streams does with its
 * TaskCorruptedException, until the task has failed for `taskTimeoutMs`.
 */
export class TaskCorruptedException extends StreamsException {
  override readonly name = 'TaskCorruptedException';
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `error` as a StreamsException, wrapped with what was being done when it is not one. */
export function asStreamsException(error: unknown, context: string): StreamsException {
  return error instanceof StreamsException ? error : new StreamsException(`${context}: ${errorMessage(error)}`, { cause: error });
}
