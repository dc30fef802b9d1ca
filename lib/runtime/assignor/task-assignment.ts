/**
 * What the Streams assignor decides with, and what it decides: tasks (not partitions) to the
 * clients (KafkaStreams instances) of a group and, within a client, to its consumers (one per
 * stream thread). Pure values: the kafkajs seam encodes and decodes them.
 */

/** One KafkaStreams instance of the group, as its members' subscriptions describe it. */
export interface ClientState {
  /** Stable for the life of the instance; all of its stream threads report the same one. */
  readonly processId: string;
  /** The instance's group members, one per stream thread. */
  readonly consumers: readonly ConsumerState[];
  /**
   * How far behind this instance's local state is, per stateful task whose state it has
   * (records to restore; 0 when caught up, which an active task running there always is).
   * A task missing here has no state on this instance.
   */
  readonly taskLags: ReadonlyMap<string, number>;
}

export interface ConsumerState {
  readonly memberId: string;
  /** Tasks this consumer ran as active before the rebalance. */
  readonly previousActive: readonly string[];
  /** Tasks this consumer kept as standby (or warm-up) before the rebalance. */
  readonly previousStandby: readonly string[];
}

export interface AssignorConfig {
  /** Standby replicas per stateful task, each on a client other than the active's. */
  readonly numStandbyReplicas: number;
  /** A client at most this many records behind on a task counts as caught up for it. */
  readonly acceptableRecoveryLag: number;
  /** At most this many warm-up replicas at once across the group. */
  readonly maxWarmupReplicas: number;
}

export interface AssignmentInput {
  readonly clients: readonly ClientState[];
  /** Every task id of the topology (`<subTopology>_<partition>`). */
  readonly tasks: readonly string[];
  /** The tasks with state stores (restored from changelogs, eligible for standbys). */
  readonly statefulTasks: ReadonlySet<string>;
  readonly config: AssignorConfig;
}

/** What one client gets. */
export interface ClientAssignment {
  readonly active: readonly string[];
  /** Standby replicas, warm-ups excluded. */
  readonly standby: readonly string[];
  /** Standbys placed to warm a task up before it moves here (a probing rebalance moves it). */
  readonly warmup: readonly string[];
}

/** What one consumer (stream thread) gets. */
export interface ConsumerAssignment {
  readonly active: readonly string[];
  /** Standbys and warm-ups both: the consumer keeps their stores up to date the same way. */
  readonly standby: readonly string[];
}

export interface TaskAssignment {
  readonly clients: ReadonlyMap<string, ClientAssignment>;
  readonly consumers: ReadonlyMap<string, ConsumerAssignment>;
  /** True when warm-ups were placed: a later (probing) rebalance should move their tasks. */
  readonly probingRebalanceNeeded: boolean;
  /** Standby replicas asked for that no client could take (too few clients). */
  readonly unplacedStandbys: number;
}
