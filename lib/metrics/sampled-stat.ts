import type { MetricConfig } from './metric-config.ts';
import type { MeasurableStat } from './stat.ts';

/** One sample window of a sampled stat. */
export interface Sample {
  value: number;
  eventCount: number;
  startTimeMs: number;
  lastEventMs: number;
}

/**
 * A stat measured over the last `numSamples` windows of `sampleWindowMs` (Kafka's SampledStat).
 * A value goes into the current sample; once that sample is a window old, the next one (oldest
 * first, reused in a ring of `numSamples + 1`) is reset and takes over. When measured, samples
 * with no event for `numSamples` windows are reset, so old events stop counting.
 */
export abstract class SampledStat implements MeasurableStat {
  protected readonly samples: Sample[] = [];
  private current = 0;

  constructor(private readonly initialValue: number) {}

  /** Records `value`; `events` says how many events it stands for (a batch's sum, say). */
  record(config: MetricConfig, value: number, nowMs: number, events = 1): void {
    let sample = this.currentSample(nowMs);
    if (nowMs - sample.startTimeMs >= config.sampleWindowMs) sample = this.advance(config, nowMs);
    this.update(sample, value);
    sample.eventCount += events;
    sample.lastEventMs = nowMs;
  }

  measure(config: MetricConfig, nowMs: number): number {
    this.purgeObsoleteSamples(config, nowMs);
    return this.combine(this.samples);
  }

  /** The sample that started first, among those kept (a rate's window begins there). */
  oldest(nowMs: number): Sample {
    let oldest = this.currentSample(nowMs);
    for (const sample of this.samples) if (sample.startTimeMs < oldest.startTimeMs) oldest = sample;
    return oldest;
  }

  /** Resets the samples with no event in the last `numSamples` windows. */
  purgeObsoleteSamples(config: MetricConfig, nowMs: number): void {
    const expireAge = config.numSamples * config.sampleWindowMs;
    for (const sample of this.samples) if (nowMs - sample.lastEventMs >= expireAge) this.reset(sample, nowMs);
  }

  protected abstract update(sample: Sample, value: number): void;

  protected abstract combine(samples: readonly Sample[]): number;

  private currentSample(nowMs: number): Sample {
    if (this.samples.length === 0) this.samples.push(this.newSample(nowMs));
    return this.samples[this.current]!;
  }

  private advance(config: MetricConfig, nowMs: number): Sample {
    // One sample more than numSamples: the oldest may still overlap the measured window.
    this.current = (this.current + 1) % (config.numSamples + 1);
    if (this.current >= this.samples.length) {
      const sample = this.newSample(nowMs);
      this.samples.push(sample);
      return sample;
    }
    const sample = this.samples[this.current]!;
    this.reset(sample, nowMs);
    return sample;
  }

  private newSample(nowMs: number): Sample {
    return { value: this.initialValue, eventCount: 0, startTimeMs: nowMs, lastEventMs: nowMs };
  }

  private reset(sample: Sample, nowMs: number): void {
    sample.value = this.initialValue;
    sample.eventCount = 0;
    sample.startTimeMs = nowMs;
    sample.lastEventMs = nowMs;
  }
}
