import { expect } from 'chai';
import { TestScheduler } from 'rxjs/testing';
import { StreamsBuilder, Serdes, consoleLogger } from '../../lib/index.ts';
import { runTopology, TopologyTestDriver } from '../../lib/testing/index.ts';
import { errorText } from './helpers.ts';

describe('KStream.split', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  const amounts = {
    a: { key: 'p1', value: 5 },
    b: { key: 'p2', value: 50 },
    c: { key: 'p3', value: 500 },
    d: { key: 'p4', value: -1 },
  };

  describe('branch names', () => {
    it('should key each branch by prefix + name, or prefix + position counting from 1, and the default branch by prefix + 0', () => {
      const builder = new StreamsBuilder();
      const branches = builder
        .stream<string, number>('payments')
        .split('pay-')
        .branch((_id, amount) => amount >= 100, 'large')
        .branch((_id, amount) => amount >= 10)
        .defaultBranch();

      expect(Object.keys(branches)).to.deep.equal(['pay-large', 'pay-2', 'pay-0']);
    });

    it('should key a named default branch by prefix + its name', () => {
      const builder = new StreamsBuilder();
      const branches = builder
        .stream<string, number>('payments')
        .split('pay-')
        .branch((_id, amount) => amount >= 100)
        .defaultBranch('rest');

      expect(Object.keys(branches)).to.deep.equal(['pay-1', 'pay-rest']);
    });

    it("should use the splitter's generated name as prefix when none is given, as Kafka Streams does", () => {
      const builder = new StreamsBuilder();
      const branches = builder
        .stream<string, number>('payments')
        .split()
        .branch((_id, amount) => amount >= 100)
        .branch((_id, amount) => amount >= 10, 'medium')
        .noDefaultBranch();

      expect(Object.keys(branches)).to.deep.equal(['KSTREAM-BRANCH-00000000011', 'KSTREAM-BRANCH-0000000001medium']);
    });

    it('should name the branch processors after their keys', () => {
      const builder = new StreamsBuilder();
      const branches = builder
        .stream<string, number>('payments')
        .split('pay-')
        .branch((_id, amount) => amount >= 100, 'large')
        .defaultBranch();
      branches['pay-large']!.to('large-payments');

      const description = builder.build().describe().toString();
      expect(description).to.contain('Processor: pay- (stores: [])\n      --> pay-large, pay-0');
      expect(description).to.contain('Processor: pay-large (stores: [])\n      --> KSTREAM-SINK-0000000004\n      <-- pay-');
    });

    it('should refuse more branches once the split is finished', () => {
      const builder = new StreamsBuilder();
      const split = builder
        .stream<string, number>('payments')
        .split('pay-')
        .branch(() => true);
      split.noDefaultBranch();

      expect(() => split.branch(() => true)).to.throw('split pay- is already finished by defaultBranch() or noDefaultBranch()');
    });
  });

  it('should send each record to the first branch whose predicate holds, and the rest to the default branch', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      const branches = builder
        .stream<string, number>('payments')
        .split('pay-')
        .branch((_id, amount) => amount >= 100, 'large')
        .branch((_id, amount) => amount >= 10, 'medium')
        .defaultBranch('small');
      branches['pay-large']!.to('large');
      branches['pay-medium']!.to('medium');
      branches['pay-small']!.to('small');

      const payments = cold('-a-b-c-d-|', amounts);
      const run = runTopology(builder.build(), { payments });
      expectObservable(run.output('large')).toBe(' -----c---|', amounts);
      expectObservable(run.output('medium')).toBe('---b-----|', amounts);
      expectObservable(run.output('small')).toBe(' -a-----d-|', amounts);
    });
  });

  it('should drop records no predicate matches when there is no default branch', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      const branches = builder
        .stream<string, number>('payments')
        .split('pay-')
        .branch((_id, amount) => amount >= 100)
        .branch((_id, amount) => amount >= 10)
        .noDefaultBranch();
      branches['pay-1']!.to('large');
      branches['pay-2']!.merge(branches['pay-1']!).to('at-least-ten');

      const payments = cold('-a-b-c-d-|', amounts);
      const run = runTopology(builder.build(), { payments });
      expectObservable(run.output('large')).toBe('       -----c---|', amounts);
      expectObservable(run.output('at-least-ten')).toBe('---b-c---|', amounts);
    });
  });

  it('should not ask later predicates once one has matched', () => {
    const asked: string[] = [];
    const builder = new StreamsBuilder();
    const branches = builder
      .stream<string, number>('payments', { keySerde: Serdes.String(), valueSerde: Serdes.Int() })
      .split('pay-')
      .branch((id, amount) => (asked.push(`positive? ${id}`), amount > 0))
      .branch((id) => (asked.push(`any? ${id}`), true))
      .noDefaultBranch();
    branches['pay-1']!.to('positive');
    branches['pay-2']!.to('other');
    const driver = new TopologyTestDriver(builder.build(), { applicationId: 'app' }, 0);
    const input = driver.createInputTopic('payments', Serdes.String(), Serdes.Int());

    input.pipeInput('p1', 5);
    input.pipeInput('p2', -5);

    expect(asked).to.deep.equal(['positive? p1', 'positive? p2', 'any? p2']);
    expect(driver.createOutputTopic('positive', Serdes.String(), Serdes.Int()).readKeyValuesToList()).to.deep.equal([{ key: 'p1', value: 5 }]);
    expect(driver.createOutputTopic('other', Serdes.String(), Serdes.Int()).readKeyValuesToList()).to.deep.equal([{ key: 'p2', value: -5 }]);
    driver.close();
  });

  it('should fail naming the splitter and the record when a predicate throws', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      const branches = builder
        .stream<string, number>('payments')
        .split('pay-')
        .branch((_id, amount) => {
          if (amount < 0) throw new Error('negative payment');
          return amount >= 100;
        })
        .defaultBranch();
      branches['pay-0']!.to('rest');

      const payments = cold('-a-b-c-d-|', amounts);
      const expected = '     -a-b---#';
      const error = 'ProcessingException: Processor pay- failed: negative payment (at task 0_0, processor pay-, topic payments partition 0 offset 3)';
      expectObservable(runTopology(builder.build(), { payments }).output('rest').pipe(errorText())).toBe(expected, amounts, error);
    });
  });

  it("should skip the record when a predicate throws under processingExceptionHandler 'log-and-continue'", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      const branches = builder
        .stream<string, number>('payments')
        .split('pay-')
        .branch((_id, amount) => {
          if (amount === 50) throw new Error('fifty is suspicious');
          return amount >= 100;
        })
        .defaultBranch();
      branches['pay-0']!.to('rest');

      const payments = cold('-a-b-c-d-|', amounts);
      const expected = '     -a-----d-|';
      const run = runTopology(builder.build(), { payments }, { processingExceptionHandler: 'log-and-continue', logger: consoleLogger('nothing') });
      expectObservable(run.output('rest')).toBe(expected, amounts);
    });
  });
});
