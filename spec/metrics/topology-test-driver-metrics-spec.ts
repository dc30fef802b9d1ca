import { expect } from 'chai';
import {
  Serdes,
  StreamsBuilder,
  TimeWindows,
  consoleLogger,
  findMetrics,
  metricSum,
  type MetricValue,
  type RecordingLevel,
  type Topology,
} from '../../lib/index.ts';
import { TopologyTestDriver } from '../../lib/testing/index.ts';

const S = Serdes.String();

/** in -> count per key (store 'counts') -> out */
function countByKey(): Topology {
  const builder = new StreamsBuilder();
  builder
    .stream<string, string>('in', { keySerde: S, valueSerde: S })
    .groupByKey({ keySerde: S, valueSerde: S })
    .count({ storeName: 'counts' })
    .toStream()
    .to('out', { keySerde: S, valueSerde: Serdes.Int() });
  return builder.build();
}

const value = (metrics: MetricValue[], group: string, name: string, tags: Record<string, string> = {}): number | string | undefined => {
  const found = findMetrics(metrics, { group, name, tags });
  expect(found, `${group} ${name} ${JSON.stringify(tags)}`).to.have.length(1);
  return found[0]!.value;
};

describe('TopologyTestDriver metrics', () => {
  let driver: TopologyTestDriver;
  afterEach(() => driver?.close());

  const run = (level: RecordingLevel | undefined, wallClock = 10_000): TopologyTestDriver => {
    driver = new TopologyTestDriver(countByKey(), { logger: consoleLogger('nothing'), ...(level ? { metricsRecordingLevel: level } : {}) }, wallClock);
    const input = driver.createInputTopic('in', S, S);
    for (const [key, timestamp] of [
      ['a', 9000],
      ['b', 9500],
      ['a', 9800],
    ] as const)
      input.pipeInput(key, 'x', timestamp);
    return driver;
  };

  it('at INFO has the end-to-end latency of sources and sinks against the mocked wall clock', () => {
    const metrics = run(undefined).metrics();
    const source = { 'thread-id': 'main', 'task-id': '0_0', 'processor-node-id': 'KSTREAM-SOURCE-0000000000' };
    expect(value(metrics, 'stream-processor-node-metrics', 'record-e2e-latency-max', source)).to.equal(1000);
    expect(value(metrics, 'stream-processor-node-metrics', 'record-e2e-latency-min', source)).to.equal(200);
    expect(value(metrics, 'stream-processor-node-metrics', 'record-e2e-latency-avg', source)).to.be.closeTo(1700 / 3, 1e-9);
    const sinks = findMetrics(metrics, { group: 'stream-processor-node-metrics', name: 'record-e2e-latency-max' }).filter((m) =>
      m.tags['processor-node-id']!.includes('SINK'),
    );
    expect(sinks).to.have.length(1);
    expect(sinks[0]!.value).to.equal(1000);
  });

  it('at INFO has dropped records and the store key count, and none of the DEBUG metrics', () => {
    const metrics = run('INFO').metrics();
    expect(value(metrics, 'stream-task-metrics', 'dropped-records-total', { 'task-id': '0_0' })).to.equal(0);
    expect(value(metrics, 'stream-state-metrics', 'estimate-num-keys', { 'state-id': 'counts' })).to.equal(2);
    expect(findMetrics(metrics, { group: 'stream-task-metrics', name: 'process-total' })).to.deep.equal([]);
    expect(findMetrics(metrics, { group: 'stream-state-metrics', name: 'put-rate' })).to.deep.equal([]);
  });

  it('at DEBUG counts what each task processed and every store call, by state-id', () => {
    const metrics = run('DEBUG').metrics();
    const task = { 'thread-id': 'main', 'task-id': '0_0' };
    expect(value(metrics, 'stream-task-metrics', 'process-total', task)).to.equal(3);
    expect(value(metrics, 'stream-processor-node-metrics', 'process-total', { ...task, 'processor-node-id': 'KSTREAM-SOURCE-0000000000' })).to.equal(3);
    const store = { ...task, 'state-id': 'counts' };
    // The count reads each key's previous count and writes the new one.
    expect(value(metrics, 'stream-state-metrics', 'get-rate', store)).to.be.greaterThan(0);
    expect(value(metrics, 'stream-state-metrics', 'put-rate', store)).to.be.greaterThan(0);
    expect(value(metrics, 'stream-state-metrics', 'put-latency-max', store)).to.be.a('number').and.not.NaN;
    expect(value(metrics, 'stream-state-metrics', 'delete-rate', store)).to.equal(0);
  });

  it('counts late records a window dropped in dropped-records-total and its rate', () => {
    const builder = new StreamsBuilder();
    builder
      .stream<string, string>('clicks', { keySerde: S, valueSerde: S })
      .groupByKey({ keySerde: S, valueSerde: S })
      .windowedBy(TimeWindows.ofSizeWithNoGrace(10))
      .count({ storeName: 'windowed' });
    driver = new TopologyTestDriver(builder.build(), { logger: consoleLogger('nothing') }, 0);
    const input = driver.createInputTopic('clicks', S, S);
    for (const ts of [1, 20, 3, 4]) input.pipeInput('a', 'x', ts);
    const metrics = driver.metrics();
    expect(metricSum(metrics, { group: 'stream-task-metrics', name: 'dropped-records-total' })).to.equal(2);
    // Both within the first of two 30 s windows: 2 records over (0 + 30) s.
    expect(metricSum(metrics, { group: 'stream-task-metrics', name: 'dropped-records-rate' })).to.be.closeTo(2 / 30, 1e-9);
  });

  it("at DEBUG has each task's record-lateness: how far behind its stream time a record arrives, 0 for one that moves it on", () => {
    driver = new TopologyTestDriver(countByKey(), { logger: consoleLogger('nothing'), metricsRecordingLevel: 'DEBUG' }, 10_000);
    const input = driver.createInputTopic('in', S, S);
    // Stream time 100, then 50 arrives 50 behind, 200 moves it on, 180 arrives 20 behind.
    for (const timestamp of [100, 50, 200, 180]) input.pipeInput('a', 'x', timestamp);
    const task = { 'thread-id': 'main', 'task-id': '0_0' };
    expect(value(driver.metrics(), 'stream-task-metrics', 'record-lateness-max', task)).to.equal(50);
    expect(value(driver.metrics(), 'stream-task-metrics', 'record-lateness-avg', task)).to.equal(70 / 4);
    driver.close();
    expect(findMetrics(run('INFO').metrics(), { group: 'stream-task-metrics', name: 'record-lateness-max' }), 'not at INFO').to.deep.equal([]);
  });

  it('measures rates on the mocked wall clock', () => {
    run('DEBUG', 0);
    driver.advanceWallClockTime(90_000);
    // Three records at 0; by 90 s they are out of both 30 s windows.
    expect(value(driver.metrics(), 'stream-task-metrics', 'process-rate', { 'task-id': '0_0' })).to.equal(0);
    expect(value(driver.metrics(), 'stream-task-metrics', 'process-total', { 'task-id': '0_0' })).to.equal(3);
  });
});
