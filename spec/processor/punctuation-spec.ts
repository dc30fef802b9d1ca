import { expect } from 'chai';
import { TestScheduler } from 'rxjs/testing';
import { ProcessingException, Serdes, StreamsException, Topology, consoleLogger } from '../../lib/index.ts';
import type { Cancellable, ProcessorContext, PunctuationType, RecordContext } from '../../lib/index.ts';
import { runTopology, TopologyTestDriver } from '../../lib/testing/index.ts';
import type { InputRecord } from '../../lib/testing/index.ts';

interface Punctuation {
  readonly at: number;
  readonly metadata: RecordContext | undefined;
}

interface ScheduleOptions {
  readonly type: PunctuationType;
  readonly interval?: number;
  /** Cancels the schedule from inside the punctuator once it has fired this many times. */
  readonly cancelAfter?: number;
  /** Throws from inside the punctuator at these times. */
  readonly throwAt?: number[];
}

/**
 * in -> ticker -> ticks-sink: the ticker schedules one punctuation in init(), logs each call and
 * forwards a record ('tick', punctuation time) stamped with that time.
 */
function ticker(log: Punctuation[], options: ScheduleOptions): Topology {
  return new Topology()
    .addSource('in-source', 'in', { keySerde: Serdes.String(), valueSerde: Serdes.String() })
    .addProcessor<string, string, string, number>(
      'ticker',
      () => {
        let context: ProcessorContext<string, number>;
        let schedule: Cancellable;
        return {
          init: (ctx) => {
            context = ctx;
            schedule = context.schedule(options.interval ?? 10, options.type, (at) => {
              log.push({ at, metadata: context.recordMetadata() });
              if (options.throwAt?.includes(at)) throw new Error(`tick ${at} failed`);
              if (log.length === options.cancelAfter) schedule.cancel();
              context.forward({ key: 'tick', value: at, timestamp: at, headers: {} });
            });
          },
          process: () => {},
        };
      },
      'in-source',
    )
    .addSink('ticks-sink', 'ticks', { keySerde: Serdes.String(), valueSerde: Serdes.Int() }, 'ticker');
}

const times = (log: Punctuation[]): number[] => log.map((punctuation) => punctuation.at);

describe('Punctuation (ProcessorContext.schedule)', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  describe("'stream-time'", () => {
    it('should fire at the current stream time whenever a record moves it past the next multiple of the interval', () => {
      const log: Punctuation[] = [];
      const driver = new TopologyTestDriver(ticker(log, { type: 'stream-time' }));
      const input = driver.createInputTopic('in', Serdes.String(), Serdes.String());

      input.pipeInput('k', 'v', 3);
      expect(times(log)).to.deep.equal([3]);
      input.pipeInput('k', 'v', 15);
      expect(times(log)).to.deep.equal([3, 15]);
      input.pipeInput('k', 'v', 47);
      expect(times(log)).to.deep.equal([3, 15, 47]);
      // Late records do not move stream time back, and 20 < 50 (the next due time).
      input.pipeInput('k', 'v', 20);
      expect(times(log)).to.deep.equal([3, 15, 47]);
      driver.close();
    });

    it('should fire once for several missed intervals and stay aligned to multiples of the interval', () => {
      const log: Punctuation[] = [];
      const driver = new TopologyTestDriver(ticker(log, { type: 'stream-time' }));
      const input = driver.createInputTopic('in', Serdes.String(), Serdes.String());

      for (const timestamp of [0, 95, 99, 100, 109, 110]) input.pipeInput('k', 'v', timestamp);
      expect(times(log)).to.deep.equal([0, 95, 100, 110]);
      driver.close();
    });

    it('should not fire before the first record, nor when only the wall clock moves', () => {
      const log: Punctuation[] = [];
      const driver = new TopologyTestDriver(ticker(log, { type: 'stream-time' }), {}, 1000);
      driver.advanceWallClockTime(60_000);
      expect(log).to.deep.equal([]);
      driver.close();
    });

    it('should run the punctuator outside any record: no record metadata, and forwarded records carry the punctuation time', () => {
      const log: Punctuation[] = [];
      const driver = new TopologyTestDriver(ticker(log, { type: 'stream-time' }));
      driver.createInputTopic('in', Serdes.String(), Serdes.String()).pipeInput('k', 'v', 12);

      expect(log).to.deep.equal([{ at: 12, metadata: undefined }]);
      expect(driver.createOutputTopic('ticks', Serdes.String(), Serdes.Int()).readRecordsToList()).to.deep.equal([
        { topic: 'ticks', key: 'tick', value: 12, timestamp: 12, headers: {} },
      ]);
      driver.close();
    });

    it('should follow the record timestamps of runTopology, which are virtual time (marbles)', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const input = cold('a 4ms b 9ms c 19ms d|', {
          a: { key: 'k', value: 'a' },
          b: { key: 'k', value: 'b' },
          c: { key: 'k', value: 'c' },
          d: { key: 'k', value: 'd' },
        });
        const expected = '  x 14ms y 19ms z|';
        const run = runTopology(ticker([], { type: 'stream-time' }), { in: input });
        expectObservable(run.output('ticks')).toBe(expected, { x: { key: 'tick', value: 0 }, y: { key: 'tick', value: 15 }, z: { key: 'tick', value: 35 } });
      });
    });

    it('should stop firing once cancelled', () => {
      const log: Punctuation[] = [];
      const driver = new TopologyTestDriver(ticker(log, { type: 'stream-time', cancelAfter: 2 }));
      const input = driver.createInputTopic('in', Serdes.String(), Serdes.String());
      for (const timestamp of [0, 10, 20, 30]) input.pipeInput('k', 'v', timestamp);
      expect(times(log)).to.deep.equal([0, 10]);
      driver.close();
    });
  });

  describe("'wall-clock'", () => {
    it('should fire when the driver’s wall clock passes start + interval, at the current wall-clock time', () => {
      const log: Punctuation[] = [];
      const driver = new TopologyTestDriver(ticker(log, { type: 'wall-clock' }), {}, 1000);

      driver.advanceWallClockTime(9);
      expect(times(log)).to.deep.equal([]);
      driver.advanceWallClockTime(1);
      expect(times(log)).to.deep.equal([1010]);
      driver.advanceWallClockTime(35);
      expect(times(log)).to.deep.equal([1010, 1045]);
      driver.advanceWallClockTime(4);
      expect(times(log)).to.deep.equal([1010, 1045]);
      driver.advanceWallClockTime(1);
      expect(times(log)).to.deep.equal([1010, 1045, 1050]);
      driver.close();
    });

    it('should not fire because of record timestamps', () => {
      const log: Punctuation[] = [];
      const driver = new TopologyTestDriver(ticker(log, { type: 'wall-clock' }), {}, 1000);
      const input = driver.createInputTopic('in', Serdes.String(), Serdes.String());
      input.pipeInput('k', 'v', 5000);
      input.pipeInput('k', 'v', 9000);
      expect(log).to.deep.equal([]);
      driver.close();
    });

    it('should make what the punctuator forwards readable once advanceWallClockTime returns', () => {
      const log: Punctuation[] = [];
      const driver = new TopologyTestDriver(ticker(log, { type: 'wall-clock', interval: 100 }), {}, 0);
      const ticks = driver.createOutputTopic('ticks', Serdes.String(), Serdes.Int());

      driver.advanceWallClockTime(250);
      expect(ticks.readKeyValuesToList()).to.deep.equal([{ key: 'tick', value: 250 }]);
      driver.advanceWallClockTime(50);
      expect(ticks.readKeyValuesToList()).to.deep.equal([{ key: 'tick', value: 300 }]);
      expect(log.map((punctuation) => punctuation.metadata)).to.deep.equal([undefined, undefined]);
      driver.close();
    });

    it('should stop firing once cancelled', () => {
      const log: Punctuation[] = [];
      const driver = new TopologyTestDriver(ticker(log, { type: 'wall-clock', cancelAfter: 1 }), {}, 0);
      driver.advanceWallClockTime(10);
      driver.advanceWallClockTime(10);
      driver.advanceWallClockTime(100);
      expect(times(log)).to.deep.equal([10]);
      driver.close();
    });

    it('should follow the virtual clock of the TestScheduler under runTopology, until the inputs complete', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const input = cold('a 24ms |', { a: { key: 'k', value: 'a' } });
        const expected = '  10ms x 9ms y 4ms |';
        const run = runTopology(ticker([], { type: 'wall-clock' }), { in: input });
        expectObservable(run.output('ticks')).toBe(expected, { x: { key: 'tick', value: 10 }, y: { key: 'tick', value: 20 } });
      });
    });

    it('should fire on virtual time even when no record arrives (marbles)', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const input = cold<InputRecord>('35ms |');
        const expected = '  10ms x 9ms y 9ms z 4ms |';
        const run = runTopology(ticker([], { type: 'wall-clock' }), { in: input });
        expectObservable(run.output('ticks')).toBe(expected, {
          x: { key: 'tick', value: 10 },
          y: { key: 'tick', value: 20 },
          z: { key: 'tick', value: 30 },
        });
      });
    });
  });

  describe('errors', () => {
    it('should refuse an interval below 1 ms when the processor is initialized', () => {
      expect(() => new TopologyTestDriver(ticker([], { type: 'stream-time', interval: 0 }))).to.throw(
        StreamsException,
        'Processor ticker failed to initialize: Punctuation interval must be at least 1 ms, got 0',
      );
    });

    it('should refuse an unknown punctuation type', () => {
      expect(() => new TopologyTestDriver(ticker([], { type: 'cpu-time' as PunctuationType }))).to.throw(
        StreamsException,
        "Unknown punctuation type cpu-time; use 'stream-time' or 'wall-clock'",
      );
    });

    it('should raise what a punctuator throws as a ProcessingException naming the processor', () => {
      const driver = new TopologyTestDriver(ticker([], { type: 'wall-clock', throwAt: [10] }), {}, 0);
      expect(() => driver.advanceWallClockTime(10)).to.throw(ProcessingException, 'Processor ticker failed: tick 10 failed (at task 0_0, processor ticker)');
      driver.close();
    });

    it("should skip a failed punctuation and keep the schedule with processingExceptionHandler 'log-and-continue'", () => {
      const log: Punctuation[] = [];
      const driver = new TopologyTestDriver(
        ticker(log, { type: 'wall-clock', throwAt: [10] }),
        { processingExceptionHandler: 'log-and-continue', logger: consoleLogger('nothing') },
        0,
      );
      driver.advanceWallClockTime(10);
      driver.advanceWallClockTime(10);
      expect(times(log)).to.deep.equal([10, 20]);
      expect(driver.createOutputTopic('ticks', Serdes.String(), Serdes.Int()).readValuesToList()).to.deep.equal([20]);
      driver.close();
    });
  });
});
