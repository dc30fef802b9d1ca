import { expect } from 'chai';
import { committingBeforeRejoining } from '../../lib/kafka/commit-before-rejoining.ts';
import { privateKafkajs } from '../../lib/kafka/kafkajs.ts';

interface RunnerLike {
  heartbeat(): Promise<void>;
}

/** A runner of the private kafkajs whose consumer group's heartbeat answers with `error`. */
function runnerMeeting(error: Error | undefined, eachBatch: (payload: unknown) => Promise<void>): RunnerLike {
  const Runner = privateKafkajs().module('kafkajs/src/consumer/runner.js') as { prototype: object };
  return Object.assign(Object.create(Runner.prototype) as RunnerLike, {
    eachBatch,
    heartbeatInterval: 1000,
    autoCommitOffsets: async () => {},
    consumerGroup: { heartbeat: async () => (error ? Promise.reject(error) : undefined) },
  });
}

const rebalancing = () => Object.assign(new Error('The group is rebalancing, so a rejoin is needed'), { type: 'REBALANCE_IN_PROGRESS' });

describe("kafkajs' runner as this library loads it: a commit before joining again", () => {
  it('commits when any heartbeat of the runner finds the group rebalancing, then lets kafkajs join again', async () => {
    const commits: string[] = [];
    const runner = runnerMeeting(
      rebalancing(),
      committingBeforeRejoining(
        async () => {},
        async () => void commits.push('commit'),
      ),
    );
    const error = await runner.heartbeat().catch((e: Error) => e);
    expect(error).to.have.property('type', 'REBALANCE_IN_PROGRESS');
    expect(commits).to.deep.equal(['commit']);
  });

  it('does not commit on other answers, on a heartbeat that passes, or for a consumer that did not ask', async () => {
    const commits: string[] = [];
    const marked = committingBeforeRejoining(
      async () => {},
      async () => void commits.push('commit'),
    );
    const unknownMember = Object.assign(new Error('unknown member'), { type: 'UNKNOWN_MEMBER_ID' });
    expect(
      await runnerMeeting(unknownMember, marked)
        .heartbeat()
        .catch((e: Error) => e.message),
    ).to.equal('unknown member');
    await runnerMeeting(undefined, marked).heartbeat();
    const plain = await runnerMeeting(rebalancing(), async () => {})
      .heartbeat()
      .catch((e: Error) => e);
    expect(plain).to.have.property('type', 'REBALANCE_IN_PROGRESS');
    expect(commits).to.deep.equal([]);
  });
});
