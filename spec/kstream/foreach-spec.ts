import { expect } from 'chai';
import { TestScheduler } from 'rxjs/testing';
import { StreamsBuilder, Serdes, consoleLogger, StreamsException } from '../../lib/index.ts';
import { runTopology, TopologyTestDriver } from '../../lib/testing/index.ts';
import { errorText } from './helpers.ts';

describe('KStream.foreach', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  it('should call the action for every record, in order, by the time pipeInput returns', () => {
    const seen: string[] = [];
    const builder = new StreamsBuilder();
    builder
      .stream<string, number>('payments', { keySerde: Serdes.String(), valueSerde: Serdes.Int() })
      .foreach((account, amount) => seen.push(`${account}:${amount}`));
    const driver = new TopologyTestDriver(builder.build(), { applicationId: 'app' }, 0);
    const input = driver.createInputTopic('payments', Serdes.String(), Serdes.Int());

    input.pipeInput('acc-1', 100);
    expect(seen).to.deep.equal(['acc-1:100']);
    input.pipeInput('acc-2', -5);
    input.pipeInput('acc-1', 7);

    expect(seen).to.deep.equal(['acc-1:100', 'acc-2:-5', 'acc-1:7']);
    driver.close();
  });

  it('should call the action at the virtual time each record arrives', () => {
    const calls: string[] = [];
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      const payments = builder.stream<string, number>('payments');
      payments.foreach((account, amount) => calls.push(`${testScheduler.now()}ms ${account}=${amount}`));
      payments.to('audit');

      const input = cold('-a 9ms b|', { a: { key: 'acc-1', value: 1 }, b: { key: 'acc-1', value: 2 } });
      const expected = '  -a 9ms b|';
      expectObservable(runTopology(builder.build(), { payments: input }).output('audit')).toBe(expected, {
        a: { key: 'acc-1', value: 1 },
        b: { key: 'acc-1', value: 2 },
      });
    });
    expect(calls).to.deep.equal(['1ms acc-1=1', '11ms acc-1=2']);
  });

  it('should fail naming the processor and the record when the action throws', () => {
    const builder = new StreamsBuilder();
    builder.stream<string, number>('payments', { keySerde: Serdes.String(), valueSerde: Serdes.Int() }).foreach((_account, amount) => {
      if (amount < 0) throw new Error('negative amount');
    }, 'book-payment');
    const driver = new TopologyTestDriver(builder.build(), { applicationId: 'app' }, 0);
    const input = driver.createInputTopic('payments', Serdes.String(), Serdes.Int());

    input.pipeInput('acc-1', 100);
    expect(() => input.pipeInput('acc-2', -5))
      .to.throw(StreamsException)
      .with.property('message', 'Processor book-payment failed: negative amount (at task 0_0, processor book-payment, topic payments partition 0 offset 1)');
  });

  it("should go on with the next record when the action throws under processingExceptionHandler 'log-and-continue'", () => {
    const booked: number[] = [];
    const builder = new StreamsBuilder();
    builder.stream<string, number>('payments', { keySerde: Serdes.String(), valueSerde: Serdes.Int() }).foreach((_account, amount) => {
      if (amount < 0) throw new Error('negative amount');
      booked.push(amount);
    });
    const driver = new TopologyTestDriver(
      builder.build(),
      { applicationId: 'app', processingExceptionHandler: 'log-and-continue', logger: consoleLogger('nothing') },
      0,
    );
    const input = driver.createInputTopic('payments', Serdes.String(), Serdes.Int());

    input.pipeKeyValueList([
      { key: 'acc-1', value: 100 },
      { key: 'acc-2', value: -5 },
      { key: 'acc-1', value: 7 },
    ]);

    expect(booked).to.deep.equal([100, 7]);
    driver.close();
  });

  it('should fail the run in marbles when the action throws', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      const source = builder.stream<string, number>('payments');
      source.foreach((_account, amount) => {
        if (amount < 0) throw new Error('negative amount');
      }, 'book-payment');
      source.to('audit');

      const payments = cold('-a-b-c|', { a: { key: 'acc-1', value: 1 }, b: { key: 'acc-2', value: -1 }, c: { key: 'acc-3', value: 3 } });
      const expected = '     -a-#';
      const error =
        'ProcessingException: Processor book-payment failed: negative amount (at task 0_0, processor book-payment, topic payments partition 0 offset 1)';
      expectObservable(runTopology(builder.build(), { payments }).output('audit').pipe(errorText())).toBe(expected, { a: { key: 'acc-1', value: 1 } }, error);
    });
  });
});
