import type { MeasurableStat } from './stat.ts';

/** The sum of every value ever recorded (Kafka's CumulativeSum): a `-total` of a sum. */
export class CumulativeSum implements MeasurableStat {
  private total = 0;

  record(_config: unknown, value: number): void {
    this.total += value;
  }

  measure(): number {
    return this.total;
  }
}

/** How many values were ever recorded (Kafka's CumulativeCount): a `-total` of calls. */
export class CumulativeCount implements MeasurableStat {
  private count = 0;

  record(): void {
    this.count += 1;
  }

  measure(): number {
    return this.count;
  }
}

/** The value recorded last (Kafka's Value), e.g. a partition's current lag. */
export class LastValue implements MeasurableStat {
  private value = Number.NaN;

  record(_config: unknown, value: number): void {
    this.value = value;
  }

  measure(): number {
    return this.value;
  }
}
