import type { MetricTags } from './metric-name.ts';
import { CumulativeCount, CumulativeSum } from './cumulative-stats.ts';
import { Rate } from './rate.ts';
import type { Sensor } from './sensor.ts';
import { Avg, Max, Min, WindowedCount } from './windowed-stats.ts';

// The metric families Kafka Streams' StreamsMetricsImpl adds to its sensors, with its descriptions.

/** `<operation>-rate` and `<operation>-total` of calls: each `record()` is one. */
export function addRateAndTotal(sensor: Sensor, group: string, tags: MetricTags, operation: string, what: string): Sensor {
  return sensor
    .add({ group, name: `${operation}-rate`, tags, description: `The average number of ${what} per second` }, new Rate(new WindowedCount()))
    .add({ group, name: `${operation}-total`, tags, description: `The total number of ${what}` }, new CumulativeCount());
}

/** `<operation>-rate` and `<operation>-total` of the values recorded: `record(n)` counts n. */
export function addRateOfSumAndSum(sensor: Sensor, group: string, tags: MetricTags, operation: string, what: string): Sensor {
  return sensor
    .add({ group, name: `${operation}-rate`, tags, description: `The average number of ${what} per second` }, new Rate())
    .add({ group, name: `${operation}-total`, tags, description: `The total number of ${what}` }, new CumulativeSum());
}

/** `<operation>-rate` of calls only, as Kafka's state store sensors have. */
export function addRate(sensor: Sensor, group: string, tags: MetricTags, operation: string, what: string): Sensor {
  return sensor.add({ group, name: `${operation}-rate`, tags, description: `The average number of ${what} per second` }, new Rate(new WindowedCount()));
}

/** `<metric>-avg` and `<metric>-max` of the values recorded. */
export function addAvgAndMax(sensor: Sensor, group: string, tags: MetricTags, metric: string, what: string): Sensor {
  return sensor
    .add({ group, name: `${metric}-avg`, tags, description: `The average ${what}` }, new Avg())
    .add({ group, name: `${metric}-max`, tags, description: `The maximum ${what}` }, new Max());
}

/** `<metric>-avg`, `<metric>-min` and `<metric>-max` of the values recorded. */
export function addAvgMinMax(sensor: Sensor, group: string, tags: MetricTags, metric: string, what: string): Sensor {
  return addAvgAndMax(sensor, group, tags, metric, what).add({ group, name: `${metric}-min`, tags, description: `The minimum ${what}` }, new Min());
}
