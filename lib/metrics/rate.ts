import type { MetricConfig } from './metric-config.ts';
import type { SampledStat } from './sampled-stat.ts';
import type { MeasurableStat } from './stat.ts';
import { WindowedSum } from './windowed-stats.ts';

/**
 * Per second: the windowed sum (or count) over the time its kept samples span (Kafka's Rate).
 * Until `numSamples - 1` whole windows have passed, the span counts as that many windows plus
 * what passed of the current one, so a burst in the first second does not read as a huge rate.
 */
export class Rate implements MeasurableStat {
  constructor(private readonly stat: SampledStat = new WindowedSum()) {}

  record(config: MetricConfig, value: number, nowMs: number): void {
    this.stat.record(config, value, nowMs);
  }

  measure(config: MetricConfig, nowMs: number): number {
    const value = this.stat.measure(config, nowMs);
    return value / (this.windowSizeMs(config, nowMs) / 1000);
  }

  windowSizeMs(config: MetricConfig, nowMs: number): number {
    this.stat.purgeObsoleteSamples(config, nowMs);
    let elapsed = nowMs - this.stat.oldest(nowMs).startTimeMs;
    const fullWindows = Math.floor(elapsed / config.sampleWindowMs);
    const minFullWindows = config.numSamples - 1;
    if (fullWindows < minFullWindows) elapsed += (minFullWindows - fullWindows) * config.sampleWindowMs;
    // At the very start of a window, a span of 0 would divide by zero.
    return Math.max(elapsed, 1);
  }
}
