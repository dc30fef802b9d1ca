// kafkajs tells of a rebalance to whichever heartbeat meets it first: one an eachBatch handler
// sends, or one its runner sends between batches. Both go through the runner's heartbeat(), which
// (with autoCommit) commits what was resolved before the runner joins the group again. A stream
// thread commits there too, whoever heartbeats: with kafkajs' eager protocol every task is
// revoked, and work not committed then is done again by the task's next owner (Kafka Streams
// commits on revocation).

const BEFORE_REJOINING = Symbol('rx-kafka-streams.commitBeforeRejoining');

type EachBatch = ((...args: never[]) => Promise<void>) & { [BEFORE_REJOINING]?: () => Promise<void> };

/** `eachBatch`, marked so that its consumer's runner calls `commit` when a heartbeat finds the group rebalancing. */
export function committingBeforeRejoining<P>(eachBatch: (payload: P) => Promise<void>, commit: () => Promise<void>): (payload: P) => Promise<void> {
  return Object.assign(eachBatch, { [BEFORE_REJOINING]: commit });
}

interface RunnerClass {
  prototype: { heartbeat(): Promise<void>; eachBatch?: EachBatch };
}

/** Built from kafkajs' `consumer/runner.js`: its Runner, whose heartbeat() calls that commit before it rethrows. */
export function commitBeforeRejoining<R extends RunnerClass>(Runner: R): R {
  const heartbeat = Runner.prototype.heartbeat;
  Runner.prototype.heartbeat = async function (this: R['prototype']): Promise<void> {
    try {
      await heartbeat.call(this);
    } catch (error) {
      const commit = this.eachBatch?.[BEFORE_REJOINING];
      if (commit && (error as { type?: unknown }).type === 'REBALANCE_IN_PROGRESS') await commit();
      throw error;
    }
  };
  return Runner;
}
