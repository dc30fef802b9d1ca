import { onAssignmentUserData } from '../../kafka/kafkajs.ts';

/** One KafkaStreams instance of the group and its tasks, as every member learns it. */
export interface ClientMetadata {
  readonly processId: string;
  readonly applicationServer?: string;
  readonly activeTasks: readonly string[];
  readonly standbyTasks: readonly string[];
}

/**
 * What the group leader tells each member besides its partitions (Kafka Streams' AssignmentInfo):
 * its active tasks, its standby tasks, every instance's tasks (for query routing), and when to
 * rebalance again so that warmed-up tasks move.
 */
export interface AssignmentInfo {
  readonly memberId: string;
  readonly activeTasks: readonly string[];
  readonly standbyTasks: readonly string[];
  readonly clients: readonly ClientMetadata[];
  /** Epoch ms of the next probing rebalance, when warm-ups are under way. */
  readonly nextProbingRebalanceMs?: number;
}

const MAGIC = 'rxks-assignment';

export function encodeAssignmentInfo(info: AssignmentInfo): Buffer {
  return Buffer.from(JSON.stringify({ magic: MAGIC, version: 1, ...info }));
}

export function decodeAssignmentInfo(userData: Buffer): AssignmentInfo | undefined {
  try {
    const parsed = JSON.parse(userData.toString('utf8')) as { magic?: unknown } & AssignmentInfo;
    return parsed?.magic === MAGIC ? parsed : undefined;
  } catch {
    return undefined;
  }
}

// kafkajs keeps only a member's partitions; the rest of what the leader sent is caught as kafkajs
// decodes it and kept here for the member's GROUP_JOIN, by member id (one process may run many).
const received = new Map<string, AssignmentInfo>();
onAssignmentUserData((userData) => {
  const info = decodeAssignmentInfo(userData);
  if (info) received.set(info.memberId, info);
});

/** What the leader sent this member in the join that just completed (taken once). */
export function takeAssignmentInfo(memberId: string): AssignmentInfo | undefined {
  const info = received.get(memberId);
  received.delete(memberId);
  return info;
}
