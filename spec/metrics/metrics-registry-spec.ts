import { expect } from 'chai';
import { MetricsRegistry } from '../../lib/metrics/metrics-registry.ts';
import type { MetricValue } from '../../lib/metrics/metric-name.ts';
import { findMetrics, metricSum } from '../../lib/metrics/metric-sum.ts';

describe('MetricsRegistry', () => {
  it('removes what an owner registered, and leaves what another registered under the same name since', () => {
    const registry = new MetricsRegistry(undefined, () => 0);
    const name = { group: 'stream-task-metrics', name: 'x', tags: { 'task-id': '0_0' }, description: '' };
    const old = {};
    const renewed = {};
    registry.add(name, () => 1, old);
    registry.add({ ...name, tags: { 'task-id': '0_1' } }, () => 5, old);
    registry.add(name, () => 2, renewed);
    registry.remove(old);
    expect(registry.snapshot().map((m) => m.value)).to.deep.equal([2]);
  });

  it("runs the owners' sync hooks before measuring", () => {
    const registry = new MetricsRegistry(undefined, () => 42);
    let counted = 0;
    let synced = -1;
    const owner = {};
    registry.add({ group: 'g', name: 'n', tags: {}, description: '' }, () => synced, owner);
    registry.onMeasure(owner, (now) => {
      synced = counted;
      expect(now).to.equal(42);
    });
    counted = 3;
    expect(registry.snapshot()[0]!.value).to.equal(3);
  });

  it('finds and sums metrics by group, name and some of their tags', () => {
    const metrics: MetricValue[] = [
      { group: 'g', name: 'n', tags: { 'thread-id': 't1', 'task-id': '0_0' }, description: '', value: 2 },
      { group: 'g', name: 'n', tags: { 'thread-id': 't1', 'task-id': '0_1' }, description: '', value: 3 },
      { group: 'g', name: 'n', tags: { 'thread-id': 't2', 'task-id': '0_2' }, description: '', value: Number.NaN },
      { group: 'h', name: 'n', tags: {}, description: '', value: 100 },
    ];
    expect(metricSum(metrics, { group: 'g', name: 'n' })).to.equal(5);
    expect(findMetrics(metrics, { group: 'g', name: 'n', tags: { 'task-id': '0_1' } }).map((m) => m.value)).to.deep.equal([3]);
    expect(metricSum(metrics, { group: 'g', name: 'missing' })).to.equal(0);
  });
});
