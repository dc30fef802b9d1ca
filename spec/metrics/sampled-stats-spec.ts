import { expect } from 'chai';
import type { MetricConfig } from '../../lib/metrics/metric-config.ts';
import { Rate } from '../../lib/metrics/rate.ts';
import { Avg, Max, Min, WindowedCount, WindowedSum } from '../../lib/metrics/windowed-stats.ts';

// One-second windows, two of them kept: a rate spans between one and two seconds.
const config: MetricConfig = { sampleWindowMs: 1000, numSamples: 2, recordingLevel: 'INFO' };

describe('sampled stats', () => {
  describe('Rate', () => {
    it('divides by numSamples - 1 whole windows plus the current one while fewer have passed', () => {
      const rate = new Rate(new WindowedCount());
      rate.record(config, 1, 0);
      rate.record(config, 1, 500);
      // 500 ms passed, counted as one whole window more: 2 events over 1.5 s.
      expect(rate.measure(config, 500)).to.be.closeTo(2 / 1.5, 1e-9);
      expect(rate.measure(config, 1000)).to.equal(2);
    });

    it('sums recorded values when over a WindowedSum (the default)', () => {
      const rate = new Rate();
      rate.record(config, 300, 0);
      rate.record(config, 700, 900);
      expect(rate.measure(config, 1000)).to.equal(1000);
    });

    it('forgets samples with no event for numSamples windows', () => {
      const rate = new Rate(new WindowedCount());
      for (let i = 0; i < 10; i++) rate.record(config, 1, i * 10);
      expect(rate.measure(config, 1000)).to.equal(10);
      expect(rate.measure(config, 2090)).to.equal(0);
    });

    it('rolls over to a new sample each window and measures over those kept', () => {
      const rate = new Rate(new WindowedCount());
      for (const time of [0, 1000, 2000, 3000]) rate.record(config, 1, time);
      // The samples of 0 and 1000 are gone: two events since 2000, over one second.
      expect(rate.windowSizeMs(config, 3000)).to.equal(1000);
      expect(rate.measure(config, 3000)).to.equal(2);
    });

    it('never divides by a zero-length window', () => {
      const rate = new Rate(new WindowedCount());
      const single: MetricConfig = { ...config, numSamples: 1 };
      rate.record(single, 1, 5000);
      expect(rate.windowSizeMs(single, 5000)).to.equal(1);
      expect(rate.measure(single, 5000)).to.equal(1000);
    });
  });

  describe('windowed sum and count', () => {
    it('sum values and count events within the kept windows', () => {
      const sum = new WindowedSum();
      const count = new WindowedCount();
      for (const [value, time] of [
        [5, 0],
        [7, 600],
        [11, 1200],
      ] as const) {
        sum.record(config, value, time);
        count.record(config, value, time);
      }
      expect(sum.measure(config, 1200)).to.equal(23);
      expect(count.measure(config, 1200)).to.equal(3);
      // At 2600 the first sample (last event at 600) is out of the 2 s window; the second is not.
      expect(sum.measure(config, 2600)).to.equal(11);
    });
  });

  describe('Avg, Min and Max', () => {
    it('are NaN before any event, as Kafka reports them', () => {
      expect(new Avg().measure(config, 0)).to.be.NaN;
      expect(new Min().measure(config, 0)).to.be.NaN;
      expect(new Max().measure(config, 0)).to.be.NaN;
    });

    it('combine the kept samples', () => {
      const avg = new Avg();
      const min = new Min();
      const max = new Max();
      for (const [value, time] of [
        [4, 0],
        [10, 1100],
        [1, 1900],
      ] as const) {
        avg.record(config, value, time);
        min.record(config, value, time);
        max.record(config, value, time);
      }
      expect(avg.measure(config, 1900)).to.equal(5);
      expect(min.measure(config, 1900)).to.equal(1);
      expect(max.measure(config, 1900)).to.equal(10);
      // The 4 at 0 ages out; 10 and 1 remain.
      expect(avg.measure(config, 2500)).to.equal(5.5);
      expect(max.measure(config, 4000)).to.be.NaN;
    });

    it('take a batch as its sum and event count (an average of many records in one call)', () => {
      const avg = new Avg();
      avg.record(config, 30, 0, 3);
      avg.record(config, 10, 100, 1);
      expect(avg.measure(config, 100)).to.equal(10);
    });
  });
});
