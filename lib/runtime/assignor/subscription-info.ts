import { StreamsException } from '../../errors.ts';

/** A task offset sum that says: this task runs here as active, its state is current. */
export const RUNNING_ACTIVE = -2;

/**
 * What a member tells the group leader when it joins (Kafka Streams' SubscriptionInfo): which
 * instance it belongs to, where that instance serves queries, what it ran, and how far the
 * instance's local state of each task has got.
 */
export interface SubscriptionInfo {
  /** The KafkaStreams instance: all its stream threads send the same one. */
  readonly processId: string;
  /** `host:port` the instance serves interactive queries at, when it does. */
  readonly applicationServer?: string;
  /** Tasks this member ran as active before the rebalance. */
  readonly previousActive: readonly string[];
  /** Tasks this member kept as standby (warm-ups too). */
  readonly previousStandby: readonly string[];
  /**
   * The instance's state, per task it has state of: the sum over the task's changelog partitions
   * of the next offset to apply, or RUNNING_ACTIVE. The leader turns it into a lag.
   */
  readonly taskOffsetSums: Readonly<Record<string, number>>;
}

const MAGIC = 'rxks-subscription';
const VERSION = 1;

export function encodeSubscriptionInfo(info: SubscriptionInfo): Buffer {
  return Buffer.from(JSON.stringify({ magic: MAGIC, version: VERSION, ...info }));
}

/** The member's subscription, or undefined for a member that is not an rx-kafka-streams instance. */
export function decodeSubscriptionInfo(userData: Buffer): SubscriptionInfo | undefined {
  let parsed: { magic?: unknown; version?: unknown } & Partial<SubscriptionInfo>;
  try {
    parsed = JSON.parse(userData.toString('utf8'));
  } catch {
    return undefined;
  }
  if (parsed?.magic !== MAGIC) return undefined;
  if (parsed.version !== VERSION) {
    throw new StreamsException(
      `A member of the group sent subscription version ${String(parsed.version)}; this instance reads version ${VERSION}: ` +
        'run one version of the application per group',
    );
  }
  return {
    processId: String(parsed.processId),
    applicationServer: parsed.applicationServer,
    previousActive: parsed.previousActive ?? [],
    previousStandby: parsed.previousStandby ?? [],
    taskOffsetSums: parsed.taskOffsetSums ?? {},
  };
}
