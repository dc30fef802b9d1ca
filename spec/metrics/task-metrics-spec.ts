import { expect } from 'chai';
import type { MetricConfig } from '../../lib/metrics/metric-config.ts';
import { MetricsRegistry } from '../../lib/metrics/metrics-registry.ts';
import type { RecordingLevel } from '../../lib/metrics/recording-level.ts';
import { TaskMetrics } from '../../lib/metrics/task-metrics.ts';

const at = (recordingLevel: RecordingLevel): MetricConfig => ({ sampleWindowMs: 30_000, numSamples: 2, recordingLevel });

describe("TaskMetrics of a task's buffered records (PartitionGroup)", () => {
  it('reports enforced-processing-total and active-buffer-count at DEBUG, read when measured', () => {
    const registry = new MetricsRegistry(at('DEBUG'), () => 1000);
    const metrics = new TaskMetrics({ registry, threadId: 't1' }, '0_1');
    const group = { enforcedProcessing: 0, size: 0 };
    metrics.partitionGroup(group);
    group.enforcedProcessing = 3;
    group.size = 42;
    const value = (name: string) => registry.snapshot().find((m) => m.group === 'stream-task-metrics' && m.name === name && m.tags['task-id'] === '0_1')?.value;
    expect(value('enforced-processing-total')).to.equal(3);
    expect(value('active-buffer-count')).to.equal(42);
    group.enforcedProcessing = 5;
    expect(value('enforced-processing-total')).to.equal(5);
    metrics.close();
    expect(value('active-buffer-count'), 'gone with the task').to.equal(undefined);
  });

  it('registers neither at INFO', () => {
    const registry = new MetricsRegistry(at('INFO'), () => 1000);
    new TaskMetrics({ registry, threadId: 't1' }, '0_1').partitionGroup({ enforcedProcessing: 1, size: 1 });
    expect(registry.snapshot().filter((m) => m.name === 'enforced-processing-total' || m.name === 'active-buffer-count')).to.deep.equal([]);
  });
});
