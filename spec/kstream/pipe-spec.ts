import { expect } from 'chai';
import { TestScheduler } from 'rxjs/testing';
import { bufferCount, bufferTime, delay, distinctUntilChanged, filter, map, type OperatorFunction } from 'rxjs';
import { StreamsBuilder, Serdes, consoleLogger, type KStream, type StreamRecord } from '../../lib/index.ts';
import { runTopology, TopologyTestDriver } from '../../lib/testing/index.ts';
import { errorText } from './helpers.ts';

/** True only when A and B are the same type (any is not the same as number). */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** Turns a batch of records into one record: the last key and timestamp, all the values. */
function batch<K, V>(): OperatorFunction<StreamRecord<K, V>[], StreamRecord<K, V[]>> {
  return map((records) => ({ ...records[records.length - 1]!, value: records.map((record) => record.value) }));
}

describe('KStream.pipe', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  const temperatures = {
    a: { key: 'room-1', value: 20 },
    b: { key: 'room-1', value: 21 },
    c: { key: 'room-2', value: 21 },
    d: { key: 'room-1', value: 19 },
    e: { key: 'room-2', value: 19 },
  };

  it('should batch records with bufferCount, flushing the last partial batch when the input completes', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder.stream<string, number>('temperatures').pipe(bufferCount(2), batch()).to('batches');

      const input = cold('-a-b-c-d-e|', temperatures);
      const expected = '  ---x---y--(z|)';
      expectObservable(runTopology(builder.build(), { temperatures: input }).output('batches')).toBe(expected, {
        x: { key: 'room-1', value: [20, 21] },
        y: { key: 'room-1', value: [21, 19] },
        z: { key: 'room-2', value: [19] },
      });
    });
  });

  it('should drop repeated values with distinctUntilChanged', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, number>('temperatures')
        .pipe(distinctUntilChanged((previous, current) => previous.value === current.value))
        .to('changes');

      const input = cold('-a-b-c-d-e|', temperatures);
      const expected = '  -a-b---d--|';
      expectObservable(runTopology(builder.build(), { temperatures: input }).output('changes')).toBe(expected, temperatures);
    });
  });

  it('should batch by time with bufferTime, in virtual time', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, number>('temperatures')
        .pipe(
          bufferTime(1000),
          filter((records) => records.length > 0),
          batch(),
        )
        .to('per-second');

      const input = cold('-a 500ms b 999ms c|', temperatures);
      const expected = '  1000ms x 502ms (y|)';
      expectObservable(runTopology(builder.build(), { temperatures: input }).records('per-second')).toBe(expected, {
        x: { topic: 'per-second', key: 'room-1', value: [20, 21], timestamp: 502, headers: {} },
        y: { topic: 'per-second', key: 'room-2', value: [21], timestamp: 1502, headers: {} },
      });
    });
  });

  it('should emit records later with delay, keeping their event timestamps', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder.stream<string, number>('temperatures').pipe(delay(500)).to('delayed');

      const input = cold('-a 999ms b|', temperatures);
      const expected = '  501ms a 999ms (b|)';
      expectObservable(runTopology(builder.build(), { temperatures: input }).records('delayed')).toBe(expected, {
        a: { topic: 'delayed', key: 'room-1', value: 20, timestamp: 1, headers: {} },
        b: { topic: 'delayed', key: 'room-1', value: 21, timestamp: 1001, headers: {} },
      });
    });
  });

  it('should type the stream by the records the last operator emits', () => {
    const builder = new StreamsBuilder();
    const labels = builder.stream<string, number>('temperatures').pipe(map((record) => ({ ...record, value: `${record.value}°C` })));
    const typed: Equals<typeof labels, KStream<string, string>> = true;
    // Compiles only while V is string.
    labels.mapValues((label) => label.toUpperCase()).to('labels');

    testScheduler.run(({ cold, expectObservable }) => {
      expectObservable(runTopology(builder.build(), { temperatures: cold('-a-|', temperatures) }).output('labels')).toBe('-x-|', {
        x: { key: 'room-1', value: '20°C' },
      });
    });
  });

  it('should return the stream itself when given no operators', () => {
    const stream = new StreamsBuilder().stream<string, number>('temperatures');

    expect(stream.pipe()).to.equal(stream);
  });

  it('should repartition before a grouping, as the operators may have changed the keys', () => {
    const builder = new StreamsBuilder();
    builder
      .stream<string, number>('temperatures', { keySerde: Serdes.String(), valueSerde: Serdes.Int() })
      .pipe(map((record) => ({ ...record, key: record.value >= 20 ? 'warm' : 'cold' })))
      .groupByKey({ name: 'by-feel', keySerde: Serdes.String(), valueSerde: Serdes.Int() })
      .count({ storeName: 'readings-per-feel' });
    const driver = new TopologyTestDriver(builder.build(), { applicationId: 'app' }, 0);
    const input = driver.createInputTopic('temperatures', Serdes.String(), Serdes.Int());

    input.pipeInput('room-1', 21);
    input.pipeInput('room-2', 22);
    input.pipeInput('room-1', 15);

    expect([...driver.producedTopicNames()]).to.deep.equal(['app-by-feel-repartition']);
    expect(driver.getKeyValueStore<string, number>('readings-per-feel').all()).to.deep.equal([
      { key: 'cold', value: 1 },
      { key: 'warm', value: 2 },
    ]);
    driver.close();
  });

  describe('errors', () => {
    const failOn19 = map((record: StreamRecord<string, number>) => {
      if (record.value === 19) throw new Error('sensor reported 19, which it never does');
      return record;
    });

    it('should fail the run, naming the pipe and the record, when an operator errors', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const builder = new StreamsBuilder();
        builder.stream<string, number>('temperatures').pipeNamed('check-sensor', failOn19).to('checked');

        const input = cold('-a-b-c-d-e|', temperatures);
        const expected = '  -a-b-c-#';
        const error =
          'ProcessingException: Operators piped at check-sensor failed: sensor reported 19, which it never does (at task 0_0, processor check-sensor, topic temperatures partition 0 offset 3)';
        expectObservable(runTopology(builder.build(), { temperatures: input }).output('checked').pipe(errorText())).toBe(expected, temperatures, error);
      });
    });

    it("should fail the run even under processingExceptionHandler 'log-and-continue': an operator chain cannot skip one record", () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const builder = new StreamsBuilder();
        builder.stream<string, number>('temperatures').pipe(failOn19).to('checked');

        const input = cold('-a-b-c-d-e|', temperatures);
        const expected = '  -a-b-c-#';
        const error =
          'ProcessingException: Operators piped at KSTREAM-PIPE-0000000001 failed: sensor reported 19, which it never does (at task 0_0, processor KSTREAM-PIPE-0000000001, topic temperatures partition 0 offset 3)';
        const run = runTopology(builder.build(), { temperatures: input }, { processingExceptionHandler: 'log-and-continue', logger: consoleLogger('nothing') });
        expectObservable(run.output('checked').pipe(errorText())).toBe(expected, temperatures, error);
      });
    });

    it('should fail pipeInput in the TopologyTestDriver when an operator errors', () => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, number>('temperatures', { keySerde: Serdes.String(), valueSerde: Serdes.Int() })
        .pipeNamed('check-sensor', failOn19)
        .to('checked', { keySerde: Serdes.String(), valueSerde: Serdes.Int() });
      const driver = new TopologyTestDriver(builder.build(), { applicationId: 'app' }, 0);
      const input = driver.createInputTopic('temperatures', Serdes.String(), Serdes.Int());

      input.pipeInput('room-1', 20);
      expect(() => input.pipeInput('room-1', 19)).to.throw('Operators piped at check-sensor failed: sensor reported 19, which it never does');
      expect(() => input.pipeInput('room-1', 20)).to.throw('The topology failed earlier and processes nothing more');
    });

    it('should fail the run, naming the pipe, when the last operator emits something that is not a record', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const builder = new StreamsBuilder();
        // Typed operators that emit no records do not compile; untyped ones reach the run-time check.
        const untyped = map((record: unknown) => (record as StreamRecord<string, number>).value);
        builder.stream<string, number>('temperatures').pipeNamed('just-values', untyped).to('values');

        const input = cold('-a-b-|', temperatures);
        const expected = '  -#';
        const error =
          'ProcessingException: Operators piped at just-values failed: the last operator must emit records ({ key, value, timestamp, headers }), got number 20 ' +
          '(at task 0_0, processor just-values, topic temperatures partition 0 offset 0)';
        expectObservable(runTopology(builder.build(), { temperatures: input }).output('values').pipe(errorText())).toBe(expected, temperatures, error);
      });
    });

    it('should pass an error of the input topic through the operators to the output', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const builder = new StreamsBuilder();
        builder.stream<string, number>('temperatures').pipe(delay(10)).to('delayed');

        const input = cold('-a---#', temperatures, new Error('partition lost'));
        const expected = '  -----#';
        expectObservable(runTopology(builder.build(), { temperatures: input }).output('delayed')).toBe(expected, temperatures, new Error('partition lost'));
      });
    });
  });
});
