import { expect } from 'chai';
import { taskLayout } from '../../../lib/runtime/assignor/task-layout.ts';

describe('taskLayout', () => {
  const counts = new Map([
    ['orders', 3],
    ['deliveries', 3],
    ['app-orders-by-item-repartition', 2],
    ['app-counts-changelog', 2],
  ]);

  it('makes one task per partition of a sub-topology, with that partition of each of its topics', () => {
    const tasks = taskLayout([{ id: 0, sourceTopics: ['orders', 'deliveries'], changelogTopics: [], stateful: false }], (topic) => counts.get(topic));
    expect([...tasks.keys()]).to.deep.equal(['0_0', '0_1', '0_2']);
    expect(tasks.get('0_1')!.sourcePartitions).to.deep.equal([
      { topic: 'orders', partition: 1 },
      { topic: 'deliveries', partition: 1 },
    ]);
  });

  it('numbers the tasks of each sub-topology on its own, with its changelog partitions', () => {
    const tasks = taskLayout(
      [
        { id: 0, sourceTopics: ['orders'], changelogTopics: [], stateful: false },
        { id: 1, sourceTopics: ['app-orders-by-item-repartition'], changelogTopics: ['app-counts-changelog'], stateful: true },
      ],
      (topic) => counts.get(topic),
    );
    expect([...tasks.keys()]).to.deep.equal(['0_0', '0_1', '0_2', '1_0', '1_1']);
    expect(tasks.get('1_1')).to.deep.include({ stateful: true, changelogPartitions: [{ topic: 'app-counts-changelog', partition: 1 }] });
  });

  it('gives a task only the partitions its topics have, and a sub-topology of unknown topics no task', () => {
    const uneven = taskLayout([{ id: 0, sourceTopics: ['orders', 'app-orders-by-item-repartition'], changelogTopics: [], stateful: false }], (topic) =>
      counts.get(topic),
    );
    expect(uneven.get('0_2')!.sourcePartitions).to.deep.equal([{ topic: 'orders', partition: 2 }]);
    expect(taskLayout([{ id: 0, sourceTopics: ['missing'], changelogTopics: [], stateful: false }], () => undefined).size).to.equal(0);
  });
});
