import { expect } from 'chai';
import { TestScheduler } from 'rxjs/testing';
import { StreamsBuilder, Serdes, consoleLogger, type KStream } from '../../lib/index.ts';
import { runTopology, TopologyTestDriver } from '../../lib/testing/index.ts';
import { errorText } from './helpers.ts';

describe('KStream.flatMapValues', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  const lines = {
    a: { key: 'doc1', value: 'to be' },
    b: { key: 'doc2', value: '' },
    c: { key: 'doc3', value: 'or' },
  };
  const words = (line: string): string[] => line.split(' ').filter((word) => word.length > 0);

  it('should emit one record per value the mapper returns, under the same key', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder.stream<string, string>('lines').flatMapValues(words).to('words');

      const input = cold('-a--b--c-|', lines);
      const expected = '  -(xy)--z-|';
      expectObservable(runTopology(builder.build(), { lines: input }).output('words')).toBe(expected, {
        x: { key: 'doc1', value: 'to' },
        y: { key: 'doc1', value: 'be' },
        z: { key: 'doc3', value: 'or' },
      });
    });
  });

  it('should pass the key to the mapper after the value', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, string>('lines')
        .flatMapValues((line, key) => words(line).map((word) => `${key}:${word}`))
        .to('words');

      const input = cold('-a----|', lines);
      const expected = '  -(xy)-|';
      expectObservable(runTopology(builder.build(), { lines: input }).output('words')).toBe(expected, {
        x: { key: 'doc1', value: 'doc1:to' },
        y: { key: 'doc1', value: 'doc1:be' },
      });
    });
  });

  it('should type the new stream by the iterable the mapper returns and keep the key serde', () => {
    const builder = new StreamsBuilder();
    const lengths: KStream<string, number> = builder
      .stream<string, string>('lines', { keySerde: Serdes.String(), valueSerde: Serdes.String() })
      .flatMapValues((line) => words(line).map((word) => word.length));
    lengths.to('lengths', { valueSerde: Serdes.Int() });
    const driver = new TopologyTestDriver(builder.build(), { applicationId: 'app' }, 0);
    const input = driver.createInputTopic('lines', Serdes.String(), Serdes.String());
    const output = driver.createOutputTopic('lengths', Serdes.String(), Serdes.Int());

    input.pipeInput('doc1', 'hello big world');

    expect(output.readKeyValuesToList()).to.deep.equal([
      { key: 'doc1', value: 5 },
      { key: 'doc1', value: 3 },
      { key: 'doc1', value: 5 },
    ]);
    driver.close();
  });

  it('should not repartition before a grouping, because the key did not change', () => {
    const builder = new StreamsBuilder();
    builder
      .stream<string, string>('lines', { keySerde: Serdes.String(), valueSerde: Serdes.String() })
      .flatMapValues(words)
      .groupByKey()
      .count({ storeName: 'words-per-doc' });
    const driver = new TopologyTestDriver(builder.build(), { applicationId: 'app' }, 0);
    const input = driver.createInputTopic('lines', Serdes.String(), Serdes.String());

    input.pipeInput('doc1', 'a b c');
    input.pipeInput('doc1', 'd');

    expect([...driver.producedTopicNames()]).to.deep.equal([]);
    expect(driver.getKeyValueStore<string, number>('words-per-doc').get('doc1')).to.equal(4);
    driver.close();
  });

  it('should fail naming the processor when the mapper does not return an iterable', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, string>('lines')
        .flatMapValues((line) => (line === '' ? (null as unknown as string[]) : words(line)), 'split-words')
        .to('words');

      const input = cold('-a----b--c-|', lines);
      const expected = '  -(xy)-#';
      const error =
        'ProcessingException: Processor split-words failed: flatMapValues must return an iterable of values (at task 0_0, processor split-words, topic lines partition 0 offset 1)';
      expectObservable(runTopology(builder.build(), { lines: input }).output('words').pipe(errorText())).toBe(
        expected,
        { x: { key: 'doc1', value: 'to' }, y: { key: 'doc1', value: 'be' } },
        error,
      );
    });
  });

  it('should fail naming the processor and the record when the mapper throws', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, string>('lines')
        .flatMapValues((line) => {
          if (line === 'or') throw new Error('no alternatives');
          return words(line);
        }, 'split-words')
        .to('words');

      const input = cold('-a--b--c-|', lines);
      const expected = '  -(xy)--#';
      const error = 'ProcessingException: Processor split-words failed: no alternatives (at task 0_0, processor split-words, topic lines partition 0 offset 2)';
      expectObservable(runTopology(builder.build(), { lines: input }).output('words').pipe(errorText())).toBe(
        expected,
        { x: { key: 'doc1', value: 'to' }, y: { key: 'doc1', value: 'be' } },
        error,
      );
    });
  });

  it("should skip the record when the mapper throws under processingExceptionHandler 'log-and-continue'", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, string>('lines')
        .flatMapValues((line) => {
          if (line === 'to be') throw new Error('not to be');
          return words(line);
        })
        .to('words');

      const input = cold('-a--b--c-|', lines);
      const expected = '  -------z-|';
      const run = runTopology(builder.build(), { lines: input }, { processingExceptionHandler: 'log-and-continue', logger: consoleLogger('nothing') });
      expectObservable(run.output('words')).toBe(expected, { z: { key: 'doc3', value: 'or' } });
    });
  });
});
