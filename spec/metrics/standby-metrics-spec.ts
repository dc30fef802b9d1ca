import { expect } from 'chai';
import type { MetricConfig } from '../../lib/metrics/metric-config.ts';
import { MetricsRegistry } from '../../lib/metrics/metrics-registry.ts';
import type { RecordingLevel } from '../../lib/metrics/recording-level.ts';
import { StandbyMetrics } from '../../lib/metrics/standby-metrics.ts';

const at = (recordingLevel: RecordingLevel): MetricConfig => ({ sampleWindowMs: 30_000, numSamples: 2, recordingLevel });

describe("StandbyMetrics: a standby task's update-rate and update-total", () => {
  const update = (registry: MetricsRegistry, name: string, taskId: string) =>
    registry.snapshot().find((m) => m.group === 'stream-task-metrics' && m.name === name && m.tags['task-id'] === taskId)?.value;

  it('count the changelog records each standby applied, at DEBUG, until the standby goes', () => {
    const registry = new MetricsRegistry(at('DEBUG'), () => 0);
    const metrics = new StandbyMetrics(registry, 't1');
    metrics.updated('0_1', 300, 0);
    metrics.updated('0_1', 200, 0);
    metrics.updated('1_0', 7, 0);
    expect(update(registry, 'update-total', '0_1')).to.equal(500);
    expect(update(registry, 'update-total', '1_0')).to.equal(7);
    // Within the first of two 30 s windows: 500 records over 30 s.
    expect(update(registry, 'update-rate', '0_1')).to.be.closeTo(500 / 30, 1e-9);
    metrics.removed('0_1');
    expect(update(registry, 'update-total', '0_1'), 'gone with the standby').to.equal(undefined);
    expect(update(registry, 'update-total', '1_0')).to.equal(7);
  });

  it('register nothing at INFO', () => {
    const registry = new MetricsRegistry(at('INFO'), () => 0);
    new StandbyMetrics(registry, 't1').updated('0_1', 300);
    expect(registry.snapshot().filter((m) => m.name.startsWith('update-'))).to.deep.equal([]);
  });
});
