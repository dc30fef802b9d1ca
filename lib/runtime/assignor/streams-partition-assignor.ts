import type { GroupMemberAssignment, PartitionAssigner } from 'kafkajs';
import { kafkajs } from '../../kafka/kafkajs.ts';
import { compareTopicPartitions, topicPartitionKey, type TopicPartition } from '../../kafka/topic-partition.ts';
import { errorMessage } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import { encodeAssignmentInfo, type ClientMetadata } from './assignment-info.ts';
import { assignTasks } from './assign-tasks.ts';
import { RUNNING_ACTIVE, decodeSubscriptionInfo, encodeSubscriptionInfo, type SubscriptionInfo } from './subscription-info.ts';
import type { AssignorConfig, ClientState } from './task-assignment.ts';
import { taskLayout, type SubTopologyTopics, type TaskLayout } from './task-layout.ts';

/** kafkajs' name for the protocol; every member of a group must offer it. */
export const STREAMS_ASSIGNOR_NAME = 'rx-kafka-streams';

export interface StreamsAssignorOptions {
  readonly subTopologies: readonly SubTopologyTopics[];
  /** This member's subscription, asked for at each join. */
  readonly subscription: () => SubscriptionInfo;
  readonly config: AssignorConfig & { readonly probingRebalanceIntervalMs: number };
  /** End offsets of changelog partitions (the leader's lag computation), by topicPartitionKey. */
  readonly endOffsets: (partitions: readonly TopicPartition[]) => Promise<ReadonlyMap<string, number>>;
  readonly logger: Logger;
}

/**
 * The Streams partition assignor as a kafkajs `partitionAssigners` entry (classic group
 * protocol): members send what they hold in their subscription; the leader assigns tasks, each
 * with all of its source partitions, and tells every member its standbys and who hosts what.
 */
export function streamsPartitionAssignor(options: StreamsAssignorOptions): PartitionAssigner {
  const { AssignerProtocol } = kafkajs();
  return ({ cluster }) => ({
    name: STREAMS_ASSIGNOR_NAME,
    version: 1,
    protocol: ({ topics }) => ({
      name: STREAMS_ASSIGNOR_NAME,
      metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: encodeSubscriptionInfo(options.subscription()) }),
    }),
    assign: async ({ members }) => {
      const partitionCount = (topic: string): number | undefined => {
        try {
          const metadata = cluster.findTopicPartitionMetadata(topic);
          return metadata.length > 0 ? metadata.length : undefined;
        } catch {
          return undefined;
        }
      };
      const layout = taskLayout(options.subTopologies, partitionCount);
      const subscriptions = new Map<string, SubscriptionInfo>();
      for (const member of members) {
        const metadata = AssignerProtocol.MemberMetadata.decode(member.memberMetadata);
        const info = metadata ? decodeSubscriptionInfo(metadata.userData) : undefined;
        if (info) subscriptions.set(member.memberId, info);
        else options.logger.warn(`Group member ${member.memberId} is not an rx-kafka-streams instance of this application; it gets no tasks`);
      }
      const clients = await clientStates(subscriptions, layout, options);
      const assignment = assignTasks({
        clients,
        tasks: [...layout.keys()],
        statefulTasks: new Set([...layout.values()].filter((task) => task.stateful).map((task) => task.id)),
        config: options.config,
      });
      if (assignment.unplacedStandbys > 0) {
        options.logger.info(
          `${assignment.unplacedStandbys} standby replicas could not be placed: ` +
            `numStandbyReplicas is ${options.config.numStandbyReplicas}, but only ${clients.length} instances are in the group`,
        );
      }
      const metadata: ClientMetadata[] = clients.map((client) => {
        const tasks = assignment.clients.get(client.processId)!;
        const server = subscriptions.get(client.consumers[0]!.memberId)!.applicationServer;
        return {
          processId: client.processId,
          ...(server ? { applicationServer: server } : {}),
          activeTasks: tasks.active,
          standbyTasks: [...tasks.standby, ...tasks.warmup],
        };
      });
      const nextProbingRebalanceMs = assignment.probingRebalanceNeeded ? Date.now() + options.config.probingRebalanceIntervalMs : undefined;
      return members.map((member): GroupMemberAssignment => {
        const tasks = assignment.consumers.get(member.memberId) ?? { active: [], standby: [] };
        const partitions: Record<string, number[]> = {};
        for (const { topic, partition } of tasks.active.flatMap((id) => layout.get(id)!.sourcePartitions).sort(compareTopicPartitions))
          (partitions[topic] ??= []).push(partition);
        const userData = encodeAssignmentInfo({
          memberId: member.memberId,
          activeTasks: tasks.active,
          standbyTasks: tasks.standby,
          clients: metadata,
          ...(nextProbingRebalanceMs !== undefined ? { nextProbingRebalanceMs } : {}),
        });
        return { memberId: member.memberId, memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 1, assignment: partitions, userData }) };
      });
    },
  });
}

/**
 * The members grouped into instances, each with the lag of its local state per task: the
 * changelogs' end offsets less the offsets its state has reached (0 for a task it runs as active).
 */
async function clientStates(
  subscriptions: ReadonlyMap<string, SubscriptionInfo>,
  layout: ReadonlyMap<string, TaskLayout>,
  options: StreamsAssignorOptions,
): Promise<ClientState[]> {
  const byProcess = new Map<string, { memberId: string; info: SubscriptionInfo }[]>();
  for (const [memberId, info] of subscriptions) byProcess.set(info.processId, [...(byProcess.get(info.processId) ?? []), { memberId, info }]);
  // As Kafka Streams' leader: the end offsets of every stateful task's changelogs, so that an
  // instance without state of a task has the whole changelog as its lag (0 for an empty one).
  const stateful = [...layout.values()].filter((task) => task.stateful);
  const wanted = new Map<string, TopicPartition>();
  for (const task of stateful) for (const partition of task.changelogPartitions) wanted.set(topicPartitionKey(partition), partition);
  let ends: ReadonlyMap<string, number> | undefined;
  if (wanted.size > 0) {
    try {
      ends = await options.endOffsets([...wanted.values()]);
    } catch (error) {
      options.logger.warn(`Could not read the changelogs' end offsets (${errorMessage(error)}); taking every instance's state as not caught up`);
    }
  }
  const endSum = (task: TaskLayout): number => task.changelogPartitions.reduce((total, partition) => total + (ends!.get(topicPartitionKey(partition)) ?? 0), 0);
  const lagOf = (task: TaskLayout, sum: number | undefined): number => {
    if (sum === RUNNING_ACTIVE) return 0;
    if (!ends) return Number.MAX_SAFE_INTEGER;
    return Math.max(0, endSum(task) - (sum ?? 0));
  };
  return [...byProcess].map(([processId, members]): ClientState => {
    const taskLags = new Map<string, number>();
    for (const task of stateful) {
      const sums = members.map(({ info }) => info.taskOffsetSums[task.id]);
      const best = sums.includes(RUNNING_ACTIVE) ? RUNNING_ACTIVE : Math.max(...sums.map((sum) => sum ?? 0));
      taskLags.set(task.id, lagOf(task, best));
    }
    return {
      processId,
      consumers: members.map(({ memberId, info }) => ({ memberId, previousActive: info.previousActive, previousStandby: info.previousStandby })),
      taskLags,
    };
  });
}
