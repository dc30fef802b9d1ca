import { expect } from 'chai';
import { StreamsException } from '../../lib/errors.ts';
import { metricConfig, type MetricConfig } from '../../lib/metrics/metric-config.ts';
import { MetricsRegistry } from '../../lib/metrics/metrics-registry.ts';
import { shouldRecord, type RecordingLevel } from '../../lib/metrics/recording-level.ts';
import { addRateAndTotal } from '../../lib/metrics/sensor-stats.ts';

const at = (recordingLevel: RecordingLevel): MetricConfig => ({ sampleWindowMs: 30_000, numSamples: 2, recordingLevel });

describe('recording level', () => {
  it('records a sensor at or below the configured level, as Kafka', () => {
    expect(shouldRecord('INFO', 'INFO')).to.equal(true);
    expect(shouldRecord('DEBUG', 'INFO')).to.equal(false);
    expect(shouldRecord('TRACE', 'INFO')).to.equal(false);
    expect(shouldRecord('INFO', 'DEBUG')).to.equal(true);
    expect(shouldRecord('DEBUG', 'DEBUG')).to.equal(true);
    expect(shouldRecord('TRACE', 'DEBUG')).to.equal(false);
    expect(shouldRecord('TRACE', 'TRACE')).to.equal(true);
  });

  it('gives no sensor for a level that is off, so nothing is recorded or registered', () => {
    const registry = new MetricsRegistry(at('INFO'), () => 0);
    const owner = {};
    expect(registry.sensor(owner, 'process', 'DEBUG')).to.equal(undefined);
    expect(registry.sensor(owner, 'process', 'INFO')).to.not.equal(undefined);
    expect(registry.snapshot()).to.deep.equal([]);
  });

  it('gives the DEBUG sensor at DEBUG, and the same one on a second call', () => {
    const registry = new MetricsRegistry(at('DEBUG'), () => 0);
    const owner = {};
    const sensor = registry.sensor(owner, 'put', 'DEBUG')!;
    addRateAndTotal(sensor, 'g', { 'task-id': '0_0' }, 'put', 'puts');
    expect(registry.sensor(owner, 'put', 'DEBUG')).to.equal(sensor);
    sensor.record();
    sensor.record();
    const total = registry.snapshot().find((m) => m.name === 'put-total');
    expect(total).to.include({ group: 'g', value: 2, description: 'The total number of puts' });
    expect(total!.tags).to.deep.equal({ 'task-id': '0_0' });
  });

  it('takes the settings from a config, defaults as Kafka (INFO, 30 s, 2 samples)', () => {
    expect(metricConfig({})).to.deep.equal({ sampleWindowMs: 30_000, numSamples: 2, recordingLevel: 'INFO' });
    expect(metricConfig({ metricsRecordingLevel: 'DEBUG', metricsSampleWindowMs: 1000, metricsNumSamples: 3 })).to.deep.equal({
      sampleWindowMs: 1000,
      numSamples: 3,
      recordingLevel: 'DEBUG',
    });
  });

  it('names the setting that is wrong', () => {
    expect(() => metricConfig({ metricsRecordingLevel: 'debug' as RecordingLevel })).to.throw(
      StreamsException,
      `metricsRecordingLevel must be one of 'INFO', 'DEBUG', 'TRACE'; got "debug"`,
    );
    expect(() => metricConfig({ metricsSampleWindowMs: 0 })).to.throw(StreamsException, 'metricsSampleWindowMs must be a whole number of at least 1; got 0');
    expect(() => metricConfig({ metricsNumSamples: 1.5 })).to.throw(StreamsException, 'metricsNumSamples must be a whole number of at least 1; got 1.5');
  });
});
