import { expect } from 'chai';
import { Subject } from 'rxjs';
import { StreamsBuilder, TimeWindows, consoleLogger, type Change, type KTable, type StreamRecord, type Topology } from '../../lib/index.ts';
import { RecordCache, RecordCacheBudget, estimateSize } from '../../lib/state/record-cache.ts';
import { StreamTask, type TaskInput, type TaskOutput } from '../../lib/task/stream-task.ts';
import { ManualClock } from '../../lib/testing/manual-clock.ts';
import { graphOf } from '../../lib/topology/topology.ts';

const update = (key: string, newValue: number | null, oldValue: number | null, timestamp = 0): StreamRecord<string, Change<number>> => ({
  key,
  value: { newValue, oldValue },
  timestamp,
  headers: {},
});

function collecting(): { out: { next(record: StreamRecord<string, Change<number>>): void }; seen: StreamRecord<string, Change<number>>[] } {
  const seen: StreamRecord<string, Change<number>>[] = [];
  return { out: { next: (record) => seen.push(record) }, seen };
}

describe('RecordCache', () => {
  it('forwards nothing until flushed, then the latest update per key with the value forwarded before it as old value', () => {
    const cache = new RecordCache<string, number>('counts', (key) => key, new RecordCacheBudget(1_000_000));
    const { out, seen } = collecting();
    cache.put(update('a', 1, null, 10), out);
    cache.put(update('b', 1, null, 11), out);
    cache.put(update('a', 2, 1, 12), out);
    cache.put(update('a', 3, 2, 13), out);
    expect(seen).to.deep.equal([]);
    cache.flush();
    // Order of last update, as Kafka's NamedCache: b was last touched before a.
    expect(seen).to.deep.equal([update('b', 1, null, 11), update('a', 3, null, 13)]);
    cache.put(update('a', 4, 3, 14), out);
    cache.flush();
    expect(seen.at(-1)).to.deep.equal(update('a', 4, 3, 14));
  });

  it('drops a row that was added and deleted between two flushes', () => {
    const cache = new RecordCache<string, number>('t', (key) => key, new RecordCacheBudget(1_000_000));
    const { out, seen } = collecting();
    cache.put(update('a', 1, null), out);
    cache.put(update('a', null, 1), out);
    cache.flush();
    expect(seen).to.deep.equal([]);
  });

  it('flushes the cache being written once the instance budget is exceeded, and frees its bytes', () => {
    const budget = new RecordCacheBudget(300);
    const first = new RecordCache<string, number>('one', (key) => key, budget);
    const second = new RecordCache<string, number>('two', (key) => key, budget);
    const one = collecting();
    const two = collecting();
    first.put(update('a', 1, null), one.out);
    first.put(update('b', 1, null), one.out);
    expect(budget.bytes).to.be.greaterThan(0);
    for (let i = 0; i < 10 && two.seen.length === 0; i++) second.put(update(`k${i}`, i, null), two.out);
    // The writer that overflowed the budget is flushed; the other cache keeps its entries.
    expect(two.seen.length).to.be.greaterThan(0);
    expect(second.size).to.equal(0);
    expect(one.seen).to.deep.equal([]);
    expect(first.size).to.equal(2);
    first.clear();
    expect(budget.bytes).to.equal(0);
  });

  it('names a bad budget', () => {
    expect(() => new RecordCacheBudget(-1)).to.throw(RangeError, /statestoreCacheMaxBytes must be a number >= 0, got -1/);
  });
});

/** One task of the topology's first sub-topology, fed objects, with a record cache budget. */
function taskOf(topology: Topology, budget = new RecordCacheBudget(10 * 1024 * 1024)) {
  const graph = graphOf(topology);
  const task = new StreamTask({
    applicationId: 'app',
    graph,
    subTopology: topology.plan().subTopologies[0]!,
    partition: 0,
    serialized: false,
    clock: new ManualClock(0),
    logger: consoleLogger('nothing'),
    globalStores: new Map(),
    recordCache: budget,
  });
  const input = new Subject<TaskInput>();
  const outputs: TaskOutput[] = [];
  input.pipe(task.pipeline).subscribe({ next: (record) => outputs.push(record) });
  let offset = 0;
  const pipe = (key: string, value: string, timestamp = 0): void =>
    input.next({ topic: 'in', partition: 0, offset: offset++, key, value, timestamp, headers: {} });
  return { task, pipe, outputs, values: () => outputs.map((record) => [record.key, record.value]) };
}

function countTopology(materialized = {}): Topology {
  const builder = new StreamsBuilder();
  builder.stream<string, string>('in').groupByKey().count(materialized).toStream().to('out');
  return builder.build();
}

describe('Record caches in a task', () => {
  it('merge a count per key until the task flushes, while the store is up to date at once', () => {
    const { task, pipe, values } = taskOf(countTopology({ storeName: 'counts' }));
    for (const key of ['a', 'b', 'a', 'a', 'b', 'c']) pipe(key, 'x');
    expect(values()).to.deep.equal([]);
    expect(task.context.stores.get('counts')).to.satisfy((store: { get(key: string): number }) => store.get('a') === 3);
    expect(task.context.cachesPending).to.equal(true);
    task.context.flushCaches();
    expect(values()).to.deep.equal([
      ['a', 3],
      ['b', 2],
      ['c', 1],
    ]);
    expect(task.context.cachesPending).to.equal(false);
  });

  it('forward every update of a table whose Materialized turns caching off', () => {
    const { pipe, values } = taskOf(countTopology({ cachingEnabled: false }));
    for (const key of ['a', 'a', 'b']) pipe(key, 'x');
    expect(values()).to.deep.equal([
      ['a', 1],
      ['a', 2],
      ['b', 1],
    ]);
  });

  it('forward every update when the budget is 0', () => {
    const { pipe, values } = taskOf(countTopology(), new RecordCacheBudget(0));
    for (const key of ['a', 'a']) pipe(key, 'x');
    expect(values()).to.deep.equal([
      ['a', 1],
      ['a', 2],
    ]);
  });

  it('keep windows of one key apart', () => {
    const builder = new StreamsBuilder();
    builder
      .stream<string, string>('in')
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeWithNoGrace(10))
      .count()
      .toStream()
      .map((windowed, count) => ({ key: `${windowed.key}@${windowed.window.start}`, value: count }))
      .to('out');
    const { task, pipe, values } = taskOf(builder.build());
    pipe('a', 'x', 1);
    pipe('a', 'x', 2);
    pipe('a', 'x', 12);
    pipe('a', 'x', 13);
    task.context.flushCaches();
    expect(values()).to.deep.equal([
      ['a@0', 2],
      ['a@10', 2],
    ]);
  });

  it('give a downstream table aggregation old values that match what it was sent (subtract, then add)', () => {
    // count per key, then regrouped by count: the number of keys seen that many times.
    const builder = new StreamsBuilder();
    const counts: KTable<string, number> = builder.stream<string, string>('in').groupByKey().count();
    counts
      .groupBy((key, count) => ({ key: String(count), value: key }))
      .count()
      .toStream()
      .to('out');
    const topology = builder.build();
    const first = taskOf(topology);
    for (const key of ['a', 'a', 'a', 'b']) first.pipe(key, 'x');
    first.task.context.flushCaches();
    // The repartitioned changes: a went from nothing to 3 in one step, b from nothing to 1.
    const repartitioned = first.outputs.map((record) => [record.key, record.value]);
    expect(repartitioned).to.deep.equal([
      ['3', { newValue: 'a', oldValue: null }],
      ['1', { newValue: 'b', oldValue: null }],
    ]);
  });
});

describe('estimateSize', () => {
  it('weighs bytes, strings, numbers and nested objects, and stops at cycles', () => {
    expect(estimateSize(Buffer.alloc(100))).to.equal(100);
    expect(estimateSize('abc')).to.equal(3);
    expect(estimateSize(42)).to.equal(8);
    expect(estimateSize({ total: 1, items: ['a', 'bc'] })).to.be.greaterThan(estimateSize({ total: 1 }));
    const cyclic: Record<string, unknown> = { name: 'x' };
    cyclic.self = cyclic;
    expect(estimateSize(cyclic)).to.be.a('number').and.to.be.lessThan(1000);
  });
});
