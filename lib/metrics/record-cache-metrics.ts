import { RECORD_CACHE_GROUP, RECORD_CACHE_ID_TAG, TASK_ID_TAG, THREAD_ID_TAG } from './metric-groups.ts';
import type { MetricsRegistry } from './metrics-registry.ts';
import { addAvgMinMax } from './sensor-stats.ts';

/** The wall-clock time a task measures against, refreshed once per batch (Kafka's cached system time). */
export interface CachedTime {
  readonly systemTimeMs: number;
}

/**
 * `hit-ratio-avg/min/max` of one table's record cache (`stream-record-cache-metrics`, DEBUG), or
 * undefined at INFO, so that the cache's put path is built without it. Kafka's cache is read
 * through, and counts reads that find their key; ours only merges what goes downstream, so a
 * hit is an update that found its key pending (and saved a record downstream).
 */
export function cacheHitRatio(
  registry: MetricsRegistry,
  owner: object,
  time: CachedTime,
  threadId: string,
  taskId: string,
  storeName: string,
): ((hit: boolean) => void) | undefined {
  const sensor = registry.sensor(owner, `cache.${storeName}.hit-ratio`, 'DEBUG');
  if (!sensor) return undefined;
  addAvgMinMax(
    sensor,
    RECORD_CACHE_GROUP,
    { [THREAD_ID_TAG]: threadId, [TASK_ID_TAG]: taskId, [RECORD_CACHE_ID_TAG]: storeName },
    'hit-ratio',
    'cache hit ratio',
  );
  let hits = 0;
  let lookups = 0;
  return (hit) => {
    if (hit) hits++;
    lookups++;
    sensor.record(hits / lookups, time.systemTimeMs);
  };
}
