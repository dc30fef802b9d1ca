import { isKeyValueStore, type KeyValueStore } from '../state/key-value-store.ts';
import type { StateStore } from '../state/state-store.ts';
import { MeteredKeyValueStore } from './metered-key-value-store.ts';
import { STATE_GROUP, STATE_ID_TAG, TASK_ID_TAG, THREAD_ID_TAG } from './metric-groups.ts';
import type { MetricsRegistry } from './metrics-registry.ts';
import type { Sensor } from './sensor.ts';
import { addAvgAndMax, addRate } from './sensor-stats.ts';

/** One sensor per store operation: `<op>-rate` and `<op>-latency-avg/max` in ns. */
export interface StoreSensors {
  readonly put: Sensor;
  readonly putIfAbsent: Sensor;
  readonly putAll: Sensor;
  readonly get: Sensor;
  readonly delete: Sensor;
  readonly range: Sensor;
  readonly all: Sensor;
  readonly flush: Sensor;
}

const OPERATIONS: readonly (readonly [keyof StoreSensors, string, string])[] = [
  ['put', 'put', 'calls to put'],
  ['putIfAbsent', 'put-if-absent', 'calls to put-if-absent'],
  ['putAll', 'put-all', 'calls to put-all'],
  ['get', 'get', 'calls to get'],
  ['delete', 'delete', 'calls to delete'],
  ['range', 'range', 'calls to range'],
  ['all', 'all', 'calls to all'],
  ['flush', 'flush', 'calls to flush'],
];

/**
 * A task's store as the task should hold it (`stream-state-metrics`, tags `thread-id`,
 * `task-id`, `state-id`): every key-value store reports `estimate-num-keys` (INFO, read when
 * measured); at DEBUG it is wrapped so that each call is counted and timed.
 */
export function meterStore(store: StateStore, registry: MetricsRegistry, owner: object, threadId: string, taskId: string): StateStore {
  if (!isKeyValueStore(store)) return store;
  const tags = { [THREAD_ID_TAG]: threadId, [TASK_ID_TAG]: taskId, [STATE_ID_TAG]: store.name };
  registry.add(
    { group: STATE_GROUP, name: 'estimate-num-keys', tags, description: 'The estimated number of keys in the store' },
    () => (store.isOpen() ? store.approximateNumEntries() : Number.NaN),
    owner,
  );
  if (!registry.records('DEBUG')) return store;
  const sensors = {} as Record<keyof StoreSensors, Sensor>;
  for (const [field, operation, what] of OPERATIONS) {
    const sensor = registry.sensor(owner, `${store.name}.${operation}`, 'DEBUG')!;
    addRate(sensor, STATE_GROUP, tags, operation, what);
    addAvgAndMax(sensor, STATE_GROUP, tags, `${operation}-latency`, `latency of ${operation} in ns`);
    sensors[field] = sensor;
  }
  return new MeteredKeyValueStore(store as KeyValueStore<unknown, unknown>, sensors);
}
