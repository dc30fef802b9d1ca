import { expect } from 'chai';
import { TestScheduler } from 'rxjs/testing';
import { StreamsBuilder, Serdes, consoleLogger, type KStream } from '../../lib/index.ts';
import { runTopology, TopologyTestDriver } from '../../lib/testing/index.ts';
import { errorText } from './helpers.ts';

/** True only when A and B are the same type (any is not the same as string). */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

describe('KStream.mapValues', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  const words = {
    a: { key: 'w1', value: 'apple' },
    b: { key: 'w2', value: 'kiwi' },
    c: { key: 'w3', value: 'fig' },
  };

  it('should replace each value by what the mapper returns and keep the key', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, string>('words')
        .mapValues((word) => word.length)
        .to('lengths');

      const input = cold('-a-b--c|', words);
      const expected = '  -x-y--z|';
      expectObservable(runTopology(builder.build(), { words: input }).output('lengths')).toBe(expected, {
        x: { key: 'w1', value: 5 },
        y: { key: 'w2', value: 4 },
        z: { key: 'w3', value: 3 },
      });
    });
  });

  it('should pass the key to the mapper after the value', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, string>('words')
        .mapValues((word, key) => `${key}=${word}`)
        .to('out');

      const input = cold('-a-b-|', words);
      const expected = '  -x-y-|';
      expectObservable(runTopology(builder.build(), { words: input }).output('out')).toBe(expected, {
        x: { key: 'w1', value: 'w1=apple' },
        y: { key: 'w2', value: 'w2=kiwi' },
      });
    });
  });

  it('should change the value type of the stream and keep the key type', () => {
    const builder = new StreamsBuilder();
    const lengths = builder.stream<string, string>('words').mapValues((word) => word.length);
    const typed: Equals<typeof lengths, KStream<string, number>> = true;
    // Compiles only while V is number: toFixed does not exist on string.
    lengths.mapValues((length) => length.toFixed(2)).to('out');

    testScheduler.run(({ cold, expectObservable }) => {
      const run = runTopology(builder.build(), { words: cold('-a-|', words) });
      expectObservable(run.output('out')).toBe('-x-|', { x: { key: 'w1', value: '5.00' } });
    });
  });

  it('should keep the key serde, so only the new value serde has to be given', () => {
    const builder = new StreamsBuilder();
    builder
      .stream<string, string>('words', { keySerde: Serdes.String(), valueSerde: Serdes.String() })
      .mapValues((word) => word.length)
      .to('lengths', { valueSerde: Serdes.Int() });
    const driver = new TopologyTestDriver(builder.build(), { applicationId: 'app' }, 0);
    const input = driver.createInputTopic('words', Serdes.String(), Serdes.String());
    const output = driver.createOutputTopic('lengths', Serdes.String(), Serdes.Int());

    input.pipeInput('w1', 'banana');
    input.pipeInput('w2', 'fig');

    expect(output.readKeyValuesToList()).to.deep.equal([
      { key: 'w1', value: 6 },
      { key: 'w2', value: 3 },
    ]);
    driver.close();
  });

  it('should not repartition before a grouping, because the key did not change', () => {
    const builder = new StreamsBuilder();
    builder
      .stream<string, string>('words', { keySerde: Serdes.String(), valueSerde: Serdes.String() })
      .mapValues((word) => word.length)
      .groupByKey({ valueSerde: Serdes.Int() })
      .reduce((a, b) => a + b, { storeName: 'total-length' })
      .toStream()
      .to('totals', { valueSerde: Serdes.Int() });
    const driver = new TopologyTestDriver(builder.build(), { applicationId: 'app' }, 0);
    const input = driver.createInputTopic('words', Serdes.String(), Serdes.String());

    input.pipeInput('w1', 'banana');
    input.pipeInput('w1', 'fig');

    expect([...driver.producedTopicNames()]).to.deep.equal(['totals']);
    expect(driver.getKeyValueStore<string, number>('total-length').get('w1')).to.equal(9);
    driver.close();
  });

  it('should fail naming the processor and the record when the mapper throws', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, string>('words')
        .mapValues((word) => {
          if (word === 'kiwi') throw new Error('kiwis are out of stock');
          return word.toUpperCase();
        }, 'shout')
        .to('out');

      const input = cold('-a-b-c-|', words);
      const expected = '  -x-#';
      const error = 'ProcessingException: Processor shout failed: kiwis are out of stock (at task 0_0, processor shout, topic words partition 0 offset 1)';
      expectObservable(runTopology(builder.build(), { words: input }).output('out').pipe(errorText())).toBe(
        expected,
        { x: { key: 'w1', value: 'APPLE' } },
        error,
      );
    });
  });

  it("should skip the record when the mapper throws under processingExceptionHandler 'log-and-continue'", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, string>('words')
        .mapValues((word) => {
          if (word === 'kiwi') throw new Error('kiwis are out of stock');
          return word.toUpperCase();
        })
        .to('out');

      const input = cold('-a-b-c-|', words);
      const expected = '  -x---z-|';
      const run = runTopology(builder.build(), { words: input }, { processingExceptionHandler: 'log-and-continue', logger: consoleLogger('nothing') });
      expectObservable(run.output('out')).toBe(expected, { x: { key: 'w1', value: 'APPLE' }, z: { key: 'w3', value: 'FIG' } });
    });
  });

  it('should pass an error of the input topic on to the output', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, string>('words')
        .mapValues((word) => word.length)
        .to('out');

      const input = cold('-a-#', words, new Error('connection lost'));
      const expected = '  -x-#';
      expectObservable(runTopology(builder.build(), { words: input }).output('out')).toBe(
        expected,
        { x: { key: 'w1', value: 5 } },
        new Error('connection lost'),
      );
    });
  });

  it('should keep timestamps and headers through a line of filter and mapValues steps, and name the step that threw', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, string>('words')
        .filter((_key, word) => word !== 'fig')
        .mapValues((word) => {
          if (word === 'kiwi') throw new Error('kiwis are out of stock');
          return word.length;
        }, 'lengths')
        .peek(() => {})
        .mapValues((length) => length * 10)
        .to('out');

      const input = cold('-a-b-c-|', {
        a: { ...words.a, timestamp: 500, headers: { source: 'web' } },
        b: { ...words.b, timestamp: 600 },
        c: { ...words.c, timestamp: 700 },
      });
      const expected = '  -x-#';
      const error = 'ProcessingException: Processor lengths failed: kiwis are out of stock (at task 0_0, processor lengths, topic words partition 0 offset 1)';
      expectObservable(runTopology(builder.build(), { words: input }).records('out').pipe(errorText())).toBe(
        expected,
        { x: { topic: 'out', key: 'w1', value: 50, timestamp: 500, headers: { source: 'web' } } },
        error,
      );
    });
  });
});
