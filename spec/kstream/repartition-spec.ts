import { expect } from 'chai';
import { TestScheduler } from 'rxjs/testing';
import { StreamsBuilder, Serdes, StreamsException } from '../../lib/index.ts';
import { runTopology, TopologyTestDriver } from '../../lib/testing/index.ts';
import { errorText } from './helpers.ts';

describe('KStream.repartition', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  const views = {
    a: { key: 'page-1', value: 'u1' },
    b: { key: 'page-2', value: 'u2' },
    c: { key: 'page-1', value: 'u3' },
  };

  it('should write through the internal topic <applicationId>-<name>-repartition and read it back', () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('views', { keySerde: Serdes.String(), valueSerde: Serdes.String() }).repartition({ name: 'views-by-page' }).to('views-out');
    const driver = new TopologyTestDriver(builder.build(), { applicationId: 'analytics' }, 0);
    const input = driver.createInputTopic('views', Serdes.String(), Serdes.String());

    input.pipeInput('page-1', 'u1', 10);
    input.pipeInput('page-2', 'u2', 20);

    expect([...driver.producedTopicNames()]).to.deep.equal(['analytics-views-by-page-repartition', 'views-out']);
    const internal = driver.createOutputTopic('analytics-views-by-page-repartition', Serdes.String(), Serdes.String());
    expect(internal.readRecordsToList()).to.deep.equal([
      { topic: 'analytics-views-by-page-repartition', key: 'page-1', value: 'u1', timestamp: 10, headers: {} },
      { topic: 'analytics-views-by-page-repartition', key: 'page-2', value: 'u2', timestamp: 20, headers: {} },
    ]);
    expect(driver.createOutputTopic('views-out', Serdes.String(), Serdes.String()).readKeyValuesToList()).to.deep.equal([
      { key: 'page-1', value: 'u1' },
      { key: 'page-2', value: 'u2' },
    ]);
    driver.close();
  });

  it('should generate the topic name KSTREAM-REPARTITION-<n>-repartition when no name is given', () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('views', { keySerde: Serdes.String(), valueSerde: Serdes.String() }).repartition().to('views-out');
    const driver = new TopologyTestDriver(builder.build(), { applicationId: 'analytics' }, 0);

    driver.createInputTopic('views', Serdes.String(), Serdes.String()).pipeInput('page-1', 'u1');

    expect(driver.producedTopicNames()).to.include('analytics-KSTREAM-REPARTITION-0000000001-repartition');
    driver.close();
  });

  it('should show the repartition topic, without the application id, in describe()', () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('views').repartition({ name: 'views-by-page' }).to('views-out');

    const description = builder.build().describe().toString();
    expect(description).to.contain('Sink: views-by-page-repartition-sink (topic: views-by-page-repartition)');
    expect(description).to.contain('Source: views-by-page-repartition-source (topics: [views-by-page-repartition])');
  });

  it('should pass every record through unchanged and in order, at the time it arrives', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder.stream<string, string>('views').repartition({ name: 'views-by-page' }).to('views-out');

      const input = cold('-a-b--c-|', views);
      const run = runTopology(builder.build(), { views: input });
      expectObservable(run.output('views-out')).toBe('                        -a-b--c-|', views);
      expectObservable(run.output('run-topology-views-by-page-repartition')).toBe('-a-b--c-|', views);
    });
  });

  it('should write the internal topic with the serdes given to repartition', () => {
    const builder = new StreamsBuilder();
    builder
      .stream<string, string>('views', { keySerde: Serdes.String(), valueSerde: Serdes.String() })
      .mapValues((user) => user.length)
      .repartition({ name: 'lengths', valueSerde: Serdes.Int() })
      .to('lengths-out');
    const driver = new TopologyTestDriver(builder.build(), { applicationId: 'analytics' }, 0);

    driver.createInputTopic('views', Serdes.String(), Serdes.String()).pipeInput('page-1', 'user-42');

    expect(driver.createOutputTopic('analytics-lengths-repartition', Serdes.String(), Serdes.Buffer()).readValue()).to.deep.equal(Buffer.from([0, 0, 0, 7]));
    expect(driver.createOutputTopic('lengths-out', Serdes.String(), Serdes.Int()).readKeyValuesToList()).to.deep.equal([{ key: 'page-1', value: 7 }]);
    driver.close();
  });

  it('should make a later grouping use this repartition instead of adding its own', () => {
    const builder = new StreamsBuilder();
    builder
      .stream<string, string>('views', { keySerde: Serdes.String(), valueSerde: Serdes.String() })
      .selectKey((_page, user) => user)
      .repartition({ name: 'views-by-user', keySerde: Serdes.String() })
      .groupByKey()
      .count({ storeName: 'views-per-user' });
    const driver = new TopologyTestDriver(builder.build(), { applicationId: 'analytics' }, 0);
    const input = driver.createInputTopic('views', Serdes.String(), Serdes.String());

    input.pipeInput('page-1', 'u1');
    input.pipeInput('page-2', 'u1');

    expect([...driver.producedTopicNames()]).to.deep.equal(['analytics-views-by-user-repartition']);
    expect(driver.getKeyValueStore<string, number>('views-per-user').get('u1')).to.equal(2);
    driver.close();
  });

  it('should hand the partitioner the internal topic and the record', () => {
    const asked: unknown[][] = [];
    const builder = new StreamsBuilder();
    builder
      .stream<string, string>('views', { keySerde: Serdes.String(), valueSerde: Serdes.String() })
      .repartition({
        name: 'views-by-page',
        numberOfPartitions: 4,
        partitioner: (topic, page, user) => {
          asked.push([topic, page, user]);
          return 0;
        },
      })
      .to('views-out');
    const driver = new TopologyTestDriver(builder.build(), { applicationId: 'analytics' }, 0);

    driver.createInputTopic('views', Serdes.String(), Serdes.String()).pipeInput('page-1', 'u1');

    expect(asked).to.deep.equal([['analytics-views-by-page-repartition', 'page-1', 'u1']]);
    expect(driver.createOutputTopic('views-out', Serdes.String(), Serdes.String()).readKeyValuesToList()).to.deep.equal([{ key: 'page-1', value: 'u1' }]);
    driver.close();
  });

  it('should refuse a numberOfPartitions that is not a positive whole number, naming the topic', () => {
    const stream = new StreamsBuilder().stream<string, string>('views');

    expect(() => stream.repartition({ name: 'views-by-page', numberOfPartitions: 0 })).to.throw(
      StreamsException,
      'Repartition topic views-by-page-repartition needs a positive whole number of partitions, got 0',
    );
    expect(() => stream.repartition({ name: 'other', numberOfPartitions: 1.5 })).to.throw('got 1.5');
  });

  it('should refuse two repartitions with the same name', () => {
    const stream = new StreamsBuilder().stream<string, string>('views');
    stream.repartition({ name: 'views-by-page' });

    expect(() => stream.repartition({ name: 'views-by-page' })).to.throw(
      'Internal topic views-by-page-repartition is already used; give the operation another name',
    );
  });

  it('should fail naming the topic, processor and record for a record with a null key', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder.stream<string | null, string>('views').repartition({ name: 'views-by-page' }).to('views-out');

      const input = cold('-a-b-|', { a: views.a, b: { key: null, value: 'anonymous' } });
      const expected = '  -a-#';
      const error =
        'StreamsException: A record with a null key cannot be grouped or repartitioned (through views-by-page-repartition); ' +
        'give it a key with selectKey, map or groupBy first, or filter such records out (at task 0_0, processor views-by-page-repartition-filter, topic views partition 0 offset 1)';
      expectObservable(runTopology(builder.build(), { views: input }).output('views-out').pipe(errorText())).toBe(expected, views, error);
    });
  });
});
