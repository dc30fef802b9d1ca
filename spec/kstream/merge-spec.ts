import { expect } from 'chai';
import { TestScheduler } from 'rxjs/testing';
import { StreamsBuilder, Serdes } from '../../lib/index.ts';
import { runTopology, TopologyTestDriver } from '../../lib/testing/index.ts';

describe('KStream.merge', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  const clicks = {
    a: { key: 'u1', value: 'web:home' },
    b: { key: 'u2', value: 'web:cart' },
    x: { key: 'u1', value: 'app:home' },
    y: { key: 'u3', value: 'app:pay' },
  };

  it('should emit the records of both streams as they arrive', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const builder = new StreamsBuilder();
      const web = builder.stream<string, string>('web-clicks');
      const app = builder.stream<string, string>('app-clicks');
      web.merge(app).to('clicks');

      const webClicks = hot('-a-----b---|', clicks);
      const appClicks = hot('---x-y----|', clicks);
      const expected = '     -a-x-y-b---|';
      expectObservable(runTopology(builder.build(), { 'web-clicks': webClicks, 'app-clicks': appClicks }).output('clicks')).toBe(expected, clicks);
    });
  });

  it('should complete only when both streams have completed', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder.stream<string, string>('web-clicks').merge(builder.stream<string, string>('app-clicks')).to('clicks');

      const webClicks = cold('-a|', clicks);
      const appClicks = cold('------y-|', clicks);
      const expected = '      -a----y-|';
      expectObservable(runTopology(builder.build(), { 'web-clicks': webClicks, 'app-clicks': appClicks }).output('clicks')).toBe(expected, clicks);
    });
  });

  it('should pass an error of either input on to the output', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      builder.stream<string, string>('web-clicks').merge(builder.stream<string, string>('app-clicks')).to('clicks');

      const webClicks = cold('-a-----b|', clicks);
      const appClicks = cold('---#', clicks, new Error('app topic deleted'));
      const expected = '      -a-#';
      expectObservable(runTopology(builder.build(), { 'web-clicks': webClicks, 'app-clicks': appClicks }).output('clicks')).toBe(
        expected,
        clicks,
        new Error('app topic deleted'),
      );
    });
  });

  it('should bring the branches of one stream back together, each record once', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const builder = new StreamsBuilder();
      const clicksStream = builder.stream<string, string>('clicks');
      const web = clicksStream.filter((_user, click) => click.startsWith('web:')).mapValues((click) => click.toUpperCase());
      const app = clicksStream.filterNot((_user, click) => click.startsWith('web:'));
      web.merge(app, 'all-clicks').to('normalized');

      const input = cold('-a-x-b-y-|', clicks);
      const expected = '  -A-x-B-y-|';
      expectObservable(runTopology(builder.build(), { clicks: input }).output('normalized')).toBe(expected, {
        ...clicks,
        A: { key: 'u1', value: 'WEB:HOME' },
        B: { key: 'u2', value: 'WEB:CART' },
      });
    });
  });

  it('should keep serdes both streams share, so the sink needs none', () => {
    const builder = new StreamsBuilder();
    const consumed = { keySerde: Serdes.String(), valueSerde: Serdes.String() };
    builder.stream<string, string>('web-clicks', consumed).merge(builder.stream<string, string>('app-clicks', consumed)).to('clicks');
    const driver = new TopologyTestDriver(builder.build(), { applicationId: 'app' }, 0);
    const web = driver.createInputTopic('web-clicks', Serdes.String(), Serdes.String());
    const app = driver.createInputTopic('app-clicks', Serdes.String(), Serdes.String());
    const output = driver.createOutputTopic('clicks', Serdes.String(), Serdes.String());

    web.pipeInput('u1', 'web:home');
    app.pipeInput('u2', 'app:home');
    web.pipeInput('u1', 'web:cart');

    expect(output.readKeyValuesToList()).to.deep.equal([
      { key: 'u1', value: 'web:home' },
      { key: 'u2', value: 'app:home' },
      { key: 'u1', value: 'web:cart' },
    ]);
    driver.close();
  });

  it('should repartition before a grouping when either stream changed its key', () => {
    const builder = new StreamsBuilder();
    const consumed = { keySerde: Serdes.String(), valueSerde: Serdes.String() };
    const web = builder.stream<string, string>('web-clicks', consumed);
    const app = builder.stream<string, string>('app-clicks', consumed).selectKey((_user, click) => click.split(':')[1]!);
    web.merge(app).groupByKey({ name: 'clicks-by-key', keySerde: Serdes.String() }).count({ storeName: 'click-counts' });
    const driver = new TopologyTestDriver(builder.build(), { applicationId: 'app' }, 0);

    driver.createInputTopic('app-clicks', Serdes.String(), Serdes.String()).pipeInput('u1', 'app:home');

    expect(driver.producedTopicNames()).to.include('app-clicks-by-key-repartition');
    expect(driver.getKeyValueStore<string, number>('click-counts').get('home')).to.equal(1);
    driver.close();
  });
});
