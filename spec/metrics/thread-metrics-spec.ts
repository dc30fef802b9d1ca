import { expect } from 'chai';
import type { MetricConfig } from '../../lib/metrics/metric-config.ts';
import { MetricsRegistry } from '../../lib/metrics/metrics-registry.ts';
import type { RecordingLevel } from '../../lib/metrics/recording-level.ts';
import { TaskMetrics } from '../../lib/metrics/task-metrics.ts';
import { ThreadMetrics } from '../../lib/metrics/thread-metrics.ts';

const at = (recordingLevel: RecordingLevel): MetricConfig => ({ sampleWindowMs: 30_000, numSamples: 2, recordingLevel });

/** A thread's metrics on a clock the spec moves: `spend(ms)` is time spent doing something. */
function threadOnClock(level: RecordingLevel = 'INFO') {
  let now = 0;
  const registry = new MetricsRegistry(at(level), () => 1000);
  const thread = new ThreadMetrics(registry, 't1', () => now);
  const task = new TaskMetrics({ registry, threadId: 't1', thread }, '0_0');
  const ratio = (part: string) =>
    registry.snapshot().find((m) => m.group === 'stream-thread-metrics' && m.name === `${part}-ratio` && m.tags['thread-id'] === 't1')?.value;
  return { registry, thread, task, spend: (ms: number) => void (now += ms), ratio };
}

describe('ThreadMetrics: process-, punctuate-, commit- and poll-ratio', () => {
  it('give the fraction of the time since the last measurement spent processing, punctuating and committing; poll-ratio the rest', async () => {
    const { thread, task, spend, ratio } = threadOnClock();
    thread.timeProcessing(task, () => spend(30));
    await thread.timeCommit(async () => spend(20));
    spend(50); // waiting for the next batch
    expect(ratio('process')).to.equal(0.3);
    expect(ratio('commit')).to.equal(0.2);
    expect(ratio('punctuate')).to.equal(0);
    expect(ratio('poll')).to.equal(0.5);
  });

  it("describe what they measure, as Kafka's do", () => {
    const { registry } = threadOnClock();
    const description = (name: string) => registry.snapshot().find((m) => m.name === name)?.description;
    expect(description('process-ratio')).to.equal('The fraction of time the thread spent on processing active tasks');
    expect(description('punctuate-ratio')).to.equal('The fraction of time the thread spent on punctuating active tasks');
    expect(description('commit-ratio')).to.equal('The fraction of time the thread spent on committing all tasks');
  });

  it('count a punctuation that fires while processing as punctuating, not processing', () => {
    const { thread, task, spend, ratio } = threadOnClock();
    thread.timeProcessing(task, () => {
      spend(10);
      // A stream-time punctuator, 30 ms of the 40 ms spent.
      task.punctuated++;
      task.punctuatedMs += 30;
      spend(30);
    });
    spend(60);
    expect(ratio('process')).to.equal(0.1);
    expect(ratio('punctuate')).to.equal(0.3);
    expect(ratio('poll')).to.equal(0.6);
  });

  it('start again after each measurement, and keep their last values when no time passed', () => {
    const { thread, task, spend, ratio } = threadOnClock();
    thread.timeProcessing(task, () => spend(100));
    expect(ratio('process')).to.equal(1);
    spend(100);
    expect(ratio('process')).to.equal(0);
    expect(ratio('poll')).to.equal(1);
    expect(ratio('poll'), 'a measurement right after the last one').to.equal(1);
  });

  it('count a commit that fails, and cap ratios at 1 when commits overlap processing', async () => {
    const { registry, thread, task, spend, ratio } = threadOnClock();
    const failing = thread.timeCommit(async () => {
      spend(80);
      throw new Error('refused');
    });
    await failing.catch(() => {});
    thread.timeProcessing(task, () => spend(60));
    expect(ratio('commit')).to.equal(80 / 140);
    expect(registry.snapshot().find((m) => m.name === 'commit-total')?.value, 'a failed commit is no commit').to.equal(0);
    expect(ratio('process')).to.equal(60 / 140);
    expect(ratio('poll')).to.equal(0);
  });
});
