import { expect } from 'chai';
import { lineLogger } from '../../lib/logger.ts';
import { RepartitionPurger, type CommittedInput, type RecordDeleter } from '../../lib/runtime/repartition-purger.ts';

type DeleteRequest = Parameters<RecordDeleter['deleteTopicRecords']>[0];

/** An admin that records each DeleteRecords request and answers when the spec says so. */
function recordingAdmin() {
  const requests: DeleteRequest[] = [];
  const pending: { resolve: () => void; reject: (error: Error) => void }[] = [];
  const admin: RecordDeleter = {
    deleteTopicRecords: (request) => {
      requests.push(request);
      return new Promise<void>((resolve, reject) => pending.push({ resolve, reject }));
    },
  };
  return {
    admin,
    requests,
    answerAll: () => pending.splice(0).forEach(({ resolve }) => resolve()),
    failAll: (message: string) => pending.splice(0).forEach(({ reject }) => reject(new Error(message))),
  };
}

/** A task whose committed offsets the spec sets, as commits that succeeded would. */
function task(committed: Record<string, number | undefined>): CommittedInput & { commit(key: string, offset: number): void } {
  const offsets = new Map(Object.entries(committed));
  return {
    lastCommitted: () =>
      [...offsets].map(([key, offset]) => {
        const [topic, partition] = key.split('#') as [string, string];
        return { topic, partition: Number(partition), offset };
      }),
    commit: (key, offset) => offsets.set(key, offset),
  };
}

describe('RepartitionPurger', () => {
  const repartition = 'app-by-word-repartition';
  const interval = 30_000;
  let now: number;
  let warnings: string[];

  function purger(admin: RecordDeleter): RepartitionPurger {
    warnings = [];
    const logger = lineLogger('warn', 'spec', (line) => warnings.push(line));
    return new RepartitionPurger(admin, new Set([repartition]), interval, logger, () => now);
  }

  beforeEach(() => {
    now = 1_000_000;
  });

  it("deletes each repartition partition of the tasks up to its committed offset, as Kafka's maybePurgeCommittedRecords", async () => {
    const { admin, requests, answerAll } = recordingAdmin();
    const purge = purger(admin);
    const tasks = [task({ [`${repartition}#0`]: 120, 'words#0': 500 }), task({ [`${repartition}#1`]: 80, [`${repartition}#2`]: undefined })];

    now += interval;
    const done = purge.afterCommit(tasks);
    answerAll();
    await done;

    // The user topic `words` is not the application's to delete; partition 2 has nothing committed.
    expect(requests).to.deep.equal([
      {
        topic: repartition,
        partitions: [
          { partition: 0, offset: '120' },
          { partition: 1, offset: '80' },
        ],
      },
    ]);
  });

  it('waits repartitionPurgeIntervalMs from the last purge, and sends only the partitions whose committed offset moved', async () => {
    const { admin, requests, answerAll } = recordingAdmin();
    const purge = purger(admin);
    const moving = task({ [`${repartition}#0`]: 10, [`${repartition}#1`]: 5 });

    now += interval - 1;
    await purge.afterCommit([moving]);
    expect(requests).to.have.length(0);

    now += 1;
    const first = purge.afterCommit([moving]);
    answerAll();
    await first;
    moving.commit(`${repartition}#0`, 25);
    now += interval - 1;
    await purge.afterCommit([moving]);
    expect(requests).to.have.length(1);

    now += 1;
    const second = purge.afterCommit([moving]);
    answerAll();
    await second;
    expect(requests.map((request) => request.partitions)).to.deep.equal([
      [
        { partition: 0, offset: '10' },
        { partition: 1, offset: '5' },
      ],
      [{ partition: 0, offset: '25' }],
    ]);
  });

  it('sends nothing while its last request is unanswered, as Kafka keeps one DeleteRecords in flight', async () => {
    const { admin, requests, answerAll } = recordingAdmin();
    const purge = purger(admin);
    const moving = task({ [`${repartition}#0`]: 10 });

    now += interval;
    const first = purge.afterCommit([moving]);
    moving.commit(`${repartition}#0`, 20);
    now += interval;
    await purge.afterCommit([moving]);
    expect(requests).to.have.length(1);

    answerAll();
    await first;
    const next = purge.afterCommit([moving]);
    answerAll();
    await next;
    expect(requests.map((request) => request.partitions)).to.deep.equal([[{ partition: 0, offset: '10' }], [{ partition: 0, offset: '20' }]]);
  });

  it('logs a failed purge and tries those partitions again at the next interval, never failing the commit it follows', async () => {
    const { admin, requests, answerAll, failAll } = recordingAdmin();
    const purge = purger(admin);
    const moving = task({ [`${repartition}#0`]: 10 });

    now += interval;
    const failing = purge.afterCommit([moving]);
    failAll('This server is not the leader for that topic-partition');
    await failing;
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.contain(`Could not delete the committed records of repartition topic ${repartition}`);
    expect(warnings[0]).to.contain('not the leader');

    now += interval;
    const retry = purge.afterCommit([moving]);
    answerAll();
    await retry;
    expect(requests.map((request) => request.partitions)).to.deep.equal([[{ partition: 0, offset: '10' }], [{ partition: 0, offset: '10' }]]);
  });

  it('with an interval of 0, purges after every commit that moved an offset', async () => {
    const { admin, requests, answerAll } = recordingAdmin();
    const purge = new RepartitionPurger(
      admin,
      new Set([repartition]),
      0,
      lineLogger('warn', 'spec', () => {}),
      () => now,
    );
    const moving = task({ [`${repartition}#0`]: 1 });

    for (const offset of [1, 2, 3]) {
      moving.commit(`${repartition}#0`, offset);
      const done = purge.afterCommit([moving]);
      answerAll();
      await done;
    }
    expect(requests.map((request) => request.partitions[0]!.offset)).to.deep.equal(['1', '2', '3']);
  });
});
