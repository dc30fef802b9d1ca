import { expect } from 'chai';
import { TestScheduler } from 'rxjs/testing';
import { StreamsBuilder, Serdes, consoleLogger } from '../../lib/index.ts';
import { runTopology, TopologyTestDriver } from '../../lib/testing/index.ts';
import { errorText } from './helpers.ts';

describe('KStream.peek', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  const records = {
    a: { key: 'k1', value: 1 },
    b: { key: 'k2', value: 2 },
    c: { key: 'k3', value: 3 },
  };

  it('should pass every record on unchanged, on time', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, number>('in')
        .peek(() => undefined)
        .to('out');

      const input = cold('-a--b-c|', records);
      const expected = '  -a--b-c|';
      expectObservable(runTopology(builder.build(), { in: input }).output('out')).toBe(expected, records);
    });
  });

  it('should call the action with key and value before the record goes downstream', () => {
    const log: string[] = [];
    const builder = new StreamsBuilder();
    builder
      .stream<string, number>('in', { keySerde: Serdes.String(), valueSerde: Serdes.Int() })
      .peek((key, value) => log.push(`peek ${key}=${value}`))
      .foreach((key, value) => log.push(`downstream ${key}=${value}`));
    const driver = new TopologyTestDriver(builder.build(), { applicationId: 'app' }, 0);
    const input = driver.createInputTopic('in', Serdes.String(), Serdes.Int());

    input.pipeInput('k1', 1);
    input.pipeInput('k2', 2);

    expect(log).to.deep.equal(['peek k1=1', 'downstream k1=1', 'peek k2=2', 'downstream k2=2']);
    driver.close();
  });

  it('should fail naming the processor and the record when the action throws', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, number>('in')
        .peek((_key, value) => {
          if (value === 2) throw new Error('audit log full');
        }, 'audit')
        .to('out');

      const input = cold('-a--b-c|', records);
      const expected = '  -a--#';
      const error = 'ProcessingException: Processor audit failed: audit log full (at task 0_0, processor audit, topic in partition 0 offset 1)';
      expectObservable(runTopology(builder.build(), { in: input }).output('out').pipe(errorText())).toBe(expected, records, error);
    });
  });

  it("should skip the record downstream when the action throws under processingExceptionHandler 'log-and-continue'", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, number>('in')
        .peek((_key, value) => {
          if (value === 2) throw new Error('audit log full');
        })
        .to('out');

      const input = cold('-a--b-c|', records);
      const expected = '  -a----c|';
      const run = runTopology(builder.build(), { in: input }, { processingExceptionHandler: 'log-and-continue', logger: consoleLogger('nothing') });
      expectObservable(run.output('out')).toBe(expected, records);
    });
  });
});
