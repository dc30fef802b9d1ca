import { SampledStat, type Sample } from './sampled-stat.ts';

/** The sum of the values recorded in the kept windows (Kafka's WindowedSum). */
export class WindowedSum extends SampledStat {
  constructor() {
    super(0);
  }

  protected update(sample: Sample, value: number): void {
    sample.value += value;
  }

  protected combine(samples: readonly Sample[]): number {
    let total = 0;
    for (const sample of samples) total += sample.value;
    return total;
  }
}

/** How many events were recorded in the kept windows, whatever their values (Kafka's WindowedCount). */
export class WindowedCount extends WindowedSum {
  protected override update(sample: Sample): void {
    sample.value += 1;
  }
}

/** The average value recorded in the kept windows; NaN when there was none (Kafka's Avg). */
export class Avg extends SampledStat {
  constructor() {
    super(0);
  }

  protected update(sample: Sample, value: number): void {
    sample.value += value;
  }

  protected combine(samples: readonly Sample[]): number {
    let total = 0;
    let count = 0;
    for (const sample of samples) {
      total += sample.value;
      count += sample.eventCount;
    }
    return count === 0 ? Number.NaN : total / count;
  }
}

/** The largest value recorded in the kept windows; NaN when there was none (Kafka's Max). */
export class Max extends SampledStat {
  constructor() {
    super(Number.NEGATIVE_INFINITY);
  }

  protected update(sample: Sample, value: number): void {
    if (value > sample.value) sample.value = value;
  }

  protected combine(samples: readonly Sample[]): number {
    let max = Number.NEGATIVE_INFINITY;
    let count = 0;
    for (const sample of samples) {
      if (sample.value > max) max = sample.value;
      count += sample.eventCount;
    }
    return count === 0 ? Number.NaN : max;
  }
}

/** The smallest value recorded in the kept windows; NaN when there was none (Kafka's Min). */
export class Min extends SampledStat {
  constructor() {
    super(Number.MAX_VALUE);
  }

  protected update(sample: Sample, value: number): void {
    if (value < sample.value) sample.value = value;
  }

  protected combine(samples: readonly Sample[]): number {
    let min = Number.MAX_VALUE;
    let count = 0;
    for (const sample of samples) {
      if (sample.value < min) min = sample.value;
      count += sample.eventCount;
    }
    return count === 0 ? Number.NaN : min;
  }
}
