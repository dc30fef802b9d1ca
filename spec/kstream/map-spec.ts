import { expect } from 'chai';
import { TestScheduler } from 'rxjs/testing';
import { StreamsBuilder, Serdes, consoleLogger, type KeyValue } from '../../lib/index.ts';
import { runTopology, TopologyTestDriver } from '../../lib/testing/index.ts';
import { errorText } from './helpers.ts';

describe('KStream.map', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  const words = {
    a: { key: 1, value: 'apple' },
    b: { key: 2, value: 'banana' },
    c: { key: 3, value: 'cherry' },
  };

  it('should replace key and value with the { key, value } the mapper returns', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder
        .stream<number, string>('words')
        .map((id, word) => ({ key: word.charAt(0), value: `${id}:${word.length}` }))
        .to('initials');

      const input = cold('-a--b--c-|', words);
      const expected = '  -x--y--z-|';
      expectObservable(runTopology(builder.build(), { words: input }).output('initials')).toBe(expected, {
        x: { key: 'a', value: '1:5' },
        y: { key: 'b', value: '2:6' },
        z: { key: 'c', value: '3:6' },
      });
    });
  });

  it('should keep the timestamp and headers of the record', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder
        .stream<number, string>('words')
        .map((id, word) => ({ key: word, value: id }))
        .to('out');

      const input = cold('-a-|', { a: { key: 1, value: 'apple', timestamp: 99, headers: { trace: 't-1' } } });
      const expected = '  -x-|';
      expectObservable(runTopology(builder.build(), { words: input }).records('out')).toBe(expected, {
        x: { topic: 'out', key: 'apple', value: 1, timestamp: 99, headers: { trace: 't-1' } },
      });
    });
  });

  it('should type the new stream by what the mapper returns', () => {
    const builder = new StreamsBuilder();
    const mapped = builder.stream<number, string>('words').map((id, word): KeyValue<string, number> => ({ key: word, value: id * 10 }));
    // A string key has charAt and a number value has toFixed: neither compiles if the generics were lost to unknown.
    mapped.mapValues((value, key) => `${key.charAt(0)}=${value.toFixed(1)}`).to('out');
    testScheduler.run(({ cold, expectObservable }) => {
      const run = runTopology(builder.build(), { words: cold('-a-|', words) });
      expectObservable(run.output('out')).toBe('-x-|', { x: { key: 'apple', value: 'a=10.0' } });
    });
  });

  it('should repartition before a grouping, because the key changed', () => {
    const builder = new StreamsBuilder();
    builder
      .stream<string, string>('words', { keySerde: Serdes.String(), valueSerde: Serdes.String() })
      .map((_id, word) => ({ key: word.charAt(0), value: word }))
      .groupByKey({ name: 'by-initial', keySerde: Serdes.String(), valueSerde: Serdes.String() })
      .count({ storeName: 'initial-counts' });
    const driver = new TopologyTestDriver(builder.build(), { applicationId: 'app' }, 0);
    const input = driver.createInputTopic('words', Serdes.String(), Serdes.String());

    input.pipeInput('w1', 'apple');
    input.pipeInput('w2', 'avocado');
    input.pipeInput('w3', 'banana');

    expect(driver.producedTopicNames()).to.include('app-by-initial-repartition');
    expect(driver.getKeyValueStore<string, number>('initial-counts').get('a')).to.equal(2);
    expect(driver.getKeyValueStore<string, number>('initial-counts').get('b')).to.equal(1);
    driver.close();
  });

  it('should fail naming the processor when the mapper returns something that is not { key, value }', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder
        .stream<number, string>('words')
        .map((_id, word) => (word === 'banana' ? (null as unknown as KeyValue<string, string>) : { key: word, value: word }), 'to-pairs')
        .to('out');

      const input = cold('-a--b--c-|', words);
      const expected = '  -x--#';
      const error =
        'ProcessingException: Processor to-pairs failed: map must return a { key, value } object, got null (at task 0_0, processor to-pairs, topic words partition 0 offset 1)';
      expectObservable(runTopology(builder.build(), { words: input }).output('out').pipe(errorText())).toBe(
        expected,
        { x: { key: 'apple', value: 'apple' } },
        error,
      );
    });
  });

  it('should fail naming the processor and the record when the mapper throws', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder
        .stream<number, string>('words')
        .map((id, word) => {
          if (id === 3) throw new Error(`cannot map ${word}`);
          return { key: word, value: id };
        }, 'swap')
        .to('out');

      const input = cold('-a--b--c-|', words);
      const expected = '  -x--y--#';
      const error = 'ProcessingException: Processor swap failed: cannot map cherry (at task 0_0, processor swap, topic words partition 0 offset 2)';
      expectObservable(runTopology(builder.build(), { words: input }).output('out').pipe(errorText())).toBe(
        expected,
        { x: { key: 'apple', value: 1 }, y: { key: 'banana', value: 2 } },
        error,
      );
    });
  });

  it("should skip the record when the mapper throws under processingExceptionHandler 'log-and-continue'", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder
        .stream<number, string>('words')
        .map((id, word) => {
          if (id === 2) throw new Error('no bananas');
          return { key: word, value: id };
        })
        .to('out');

      const input = cold('-a--b--c-|', words);
      const expected = '  -x-----z-|';
      const run = runTopology(builder.build(), { words: input }, { processingExceptionHandler: 'log-and-continue', logger: consoleLogger('nothing') });
      expectObservable(run.output('out')).toBe(expected, { x: { key: 'apple', value: 1 }, z: { key: 'cherry', value: 3 } });
    });
  });

  it('should forget the serdes of the stream, so the sink needs produced serdes or defaults', () => {
    const build = (withSerdes: boolean) => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, string>('words', { keySerde: Serdes.String(), valueSerde: Serdes.String() })
        .map((_id, word) => ({ key: word, value: word.length }))
        .to('lengths', withSerdes ? { keySerde: Serdes.String(), valueSerde: Serdes.Int() } : {});
      return new TopologyTestDriver(builder.build(), { applicationId: 'app' }, 0);
    };

    const withSerdes = build(true);
    withSerdes.createInputTopic('words', Serdes.String(), Serdes.String()).pipeInput('w1', 'kiwi');
    expect(withSerdes.createOutputTopic('lengths', Serdes.String(), Serdes.Int()).readKeyValuesToList()).to.deep.equal([{ key: 'kiwi', value: 4 }]);

    const without = build(false);
    expect(() => without.createInputTopic('words', Serdes.String(), Serdes.String()).pipeInput('w1', 'kiwi')).to.throw(
      'Sink KSTREAM-SINK-0000000002 has no key serde for topic lengths: pass produced keySerde or set defaultKeySerde in the config',
    );
  });
});
