import type { MetricConfig } from './metric-config.ts';

/** Something a sensor records values into (Kafka's Stat). */
export interface Stat {
  record(config: MetricConfig, value: number, nowMs: number): void;
}

/** Something with a current value (Kafka's Measurable). */
export interface Measurable {
  measure(config: MetricConfig, nowMs: number): number;
}

/** A stat that is also a metric: a rate, an average, a total. */
export type MeasurableStat = Stat & Measurable;
