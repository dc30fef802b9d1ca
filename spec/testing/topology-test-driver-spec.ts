import { expect } from 'chai';
import { StreamsBuilder, Serdes, consoleLogger, InvalidStateStoreException, ProcessingException, StreamsException, type Topology } from '../../lib/index.ts';
import { TopologyTestDriver } from '../../lib/testing/index.ts';

const S = Serdes.String();
const I = Serdes.Int();

/** in -> out, unchanged. */
function passThrough(): Topology {
  const builder = new StreamsBuilder();
  builder.stream<string, string>('in', { keySerde: S, valueSerde: S }).to('out', { keySerde: S, valueSerde: S });
  return builder.build();
}

/** in (key -> word) -> count per word (through a repartition topic) -> counts */
function wordCount(): Topology {
  const builder = new StreamsBuilder();
  builder
    .stream<string, string>('in', { keySerde: S, valueSerde: S })
    .selectKey((_k, word) => word)
    .groupByKey({ keySerde: S, valueSerde: S })
    .count({ storeName: 'counts' })
    .toStream()
    .to('counts', { keySerde: S, valueSerde: I });
  return builder.build();
}

describe('TopologyTestDriver', () => {
  let driver: TopologyTestDriver;

  afterEach(() => driver?.close());

  describe('createInputTopic', () => {
    it('should stamp records from startTimestamp, advancing by autoAdvanceMs after each', () => {
      driver = new TopologyTestDriver(passThrough(), {}, 0);
      const input = driver.createInputTopic('in', S, S, { startTimestamp: 1000, autoAdvanceMs: 10 });
      input.pipeInput('a', '1');
      input.pipeInput('b', '2');
      input.pipeInput('c', '3');
      expect(
        driver
          .createOutputTopic('out', S, S)
          .readRecordsToList()
          .map((r) => r.timestamp),
      ).to.deep.equal([1000, 1010, 1020]);
    });

    it('should keep an explicit timestamp and not advance the topic time for it', () => {
      driver = new TopologyTestDriver(passThrough(), {}, 0);
      const input = driver.createInputTopic('in', S, S, { startTimestamp: 1000, autoAdvanceMs: 10 });
      input.pipeInput('a', '1');
      input.pipeInput('b', '2', 5);
      input.pipeInput('c', '3');
      expect(
        driver
          .createOutputTopic('out', S, S)
          .readRecordsToList()
          .map((r) => r.timestamp),
      ).to.deep.equal([1000, 5, 1010]);
    });

    it("should move the topic's time with advanceTime", () => {
      driver = new TopologyTestDriver(passThrough(), {}, 0);
      const input = driver.createInputTopic('in', S, S, { startTimestamp: 100 });
      input.pipeInput('a', '1');
      input.advanceTime(50);
      input.pipeInput('b', '2');
      expect(
        driver
          .createOutputTopic('out', S, S)
          .readRecordsToList()
          .map((r) => r.timestamp),
      ).to.deep.equal([100, 150]);
    });

    it("should stamp records with the driver's wall-clock time when the topic has no startTimestamp", () => {
      driver = new TopologyTestDriver(passThrough(), {}, 5000);
      const input = driver.createInputTopic('in', S, S);
      input.pipeInput('a', '1');
      driver.advanceWallClockTime(250);
      input.pipeInput('b', '2');
      expect(
        driver
          .createOutputTopic('out', S, S)
          .readRecordsToList()
          .map((r) => r.timestamp),
      ).to.deep.equal([5000, 5250]);
    });

    it('should refuse a topic the topology does not read, naming the topics it reads', () => {
      driver = new TopologyTestDriver(passThrough(), {}, 0);
      expect(() => driver.createInputTopic('orders', S, S))
        .to.throw(StreamsException)
        .with.property('message', 'Unknown topic: orders; the topology reads [in]');
    });
  });

  describe('pipeKeyValueList', () => {
    it('should pipe every pair in order', () => {
      driver = new TopologyTestDriver(passThrough(), {}, 0);
      driver.createInputTopic('in', S, S).pipeKeyValueList([
        { key: 'a', value: '1' },
        { key: 'b', value: '2' },
      ]);
      expect(driver.createOutputTopic('out', S, S).readKeyValuesToList()).to.deep.equal([
        { key: 'a', value: '1' },
        { key: 'b', value: '2' },
      ]);
    });

    it('should stamp the pairs from a start time, advancing by the given step', () => {
      driver = new TopologyTestDriver(passThrough(), {}, 0);
      driver.createInputTopic('in', S, S).pipeKeyValueList(
        [
          { key: 'a', value: '1' },
          { key: 'b', value: '2' },
          { key: 'c', value: '3' },
        ],
        200,
        5,
      );
      expect(
        driver
          .createOutputTopic('out', S, S)
          .readRecordsToList()
          .map((r) => r.timestamp),
      ).to.deep.equal([200, 205, 210]);
    });
  });

  describe('pipeRecord and pipeRecordList', () => {
    it('should pipe each record with its key, value, timestamp and headers, and stamp one without a timestamp with the topic time', () => {
      driver = new TopologyTestDriver(passThrough(), {}, 0);
      const input = driver.createInputTopic('in', S, S, { startTimestamp: 500, autoAdvanceMs: 100 });
      input.pipeRecord({ key: 'a', value: '1', timestamp: 42, headers: { trace: 'x' } });
      input.pipeRecordList([
        { key: 'b', value: '2' },
        { key: null as unknown as string, value: '3', timestamp: 7 },
        { key: 'c', value: '4' },
      ]);
      const out = driver.createOutputTopic('out', S, S).readRecordsToList();
      expect(out.map(({ key, value, timestamp }) => [key, value, timestamp])).to.deep.equal([
        ['a', '1', 42],
        ['b', '2', 500],
        [null, '3', 7],
        ['c', '4', 600],
      ]);
      expect(out[0]!.headers.trace?.toString()).to.equal('x');
    });
  });

  describe('pipeValueList', () => {
    it('should pipe the values with null keys, stamped from a start time when given one', () => {
      driver = new TopologyTestDriver(passThrough(), {}, 0);
      driver.createInputTopic('in', S, S).pipeValueList(['1', '2', '3'], 1000, 10);
      const out = driver.createOutputTopic('out', S, S).readRecordsToList();
      expect(out.map(({ key, value, timestamp }) => [key, value, timestamp])).to.deep.equal([
        [null, '1', 1000],
        [null, '2', 1010],
        [null, '3', 1020],
      ]);
    });
  });

  describe('TestOutputTopic', () => {
    beforeEach(() => {
      driver = new TopologyTestDriver(passThrough(), {}, 0);
      driver.createInputTopic('in', S, S).pipeKeyValueList([
        { key: 'a', value: '1' },
        { key: 'b', value: '2' },
        { key: 'a', value: '3' },
      ]);
    });

    it('should read records one at a time, in order, with readKeyValue', () => {
      const out = driver.createOutputTopic('out', S, S);
      expect(out.readKeyValue()).to.deep.equal({ key: 'a', value: '1' });
      expect(out.readKeyValue()).to.deep.equal({ key: 'b', value: '2' });
      expect(out.readKeyValue()).to.deep.equal({ key: 'a', value: '3' });
    });

    it("should throw 'Empty topic' when readKeyValue finds nothing to read", () => {
      const out = driver.createOutputTopic('out', S, S);
      out.readKeyValuesToList();
      expect(() => out.readKeyValue()).to.throw('Empty topic: out');
    });

    it("should throw 'Empty topic' for a topic nothing was written to", () => {
      expect(() => driver.createOutputTopic('nowhere', S, S).readKeyValue()).to.throw('Empty topic: nowhere');
    });

    it('should consume what it reads: a second readKeyValuesToList gets only newer records', () => {
      const out = driver.createOutputTopic('out', S, S);
      expect(out.readKeyValuesToList()).to.have.length(3);
      expect(out.readKeyValuesToList()).to.deep.equal([]);
      driver.createInputTopic('in', S, S).pipeInput('c', '4');
      expect(out.readKeyValuesToList()).to.deep.equal([{ key: 'c', value: '4' }]);
    });

    it('should keep the last value per key with readKeyValuesToMap', () => {
      const map = driver.createOutputTopic('out', S, S).readKeyValuesToMap();
      expect([...map]).to.deep.equal([
        ['a', '3'],
        ['b', '2'],
      ]);
    });

    it('should map a key whose last record is a tombstone to null in readKeyValuesToMap', () => {
      driver.createInputTopic('in', S, S).pipeInput('b', null as unknown as string);
      const map = driver.createOutputTopic('out', S, S).readKeyValuesToMap();
      expect(map.get('b')).to.equal(null);
      expect(map.has('b')).to.equal(true);
    });

    it('should give topic, key, value, timestamp and headers with readRecordsToList', () => {
      driver.createOutputTopic('out', S, S).readRecordsToList();
      driver.createInputTopic('in', S, S).pipeInput('h', 'v', 42, { trace: 'abc' });
      expect(driver.createOutputTopic('out', S, S).readRecordsToList()).to.deep.equal([
        { topic: 'out', key: 'h', value: 'v', timestamp: 42, headers: { trace: 'abc' } },
      ]);
    });

    it('should report its size with getQueueSize and isEmpty', () => {
      const out = driver.createOutputTopic('out', S, S);
      expect(out.getQueueSize()).to.equal(3);
      expect(out.isEmpty()).to.equal(false);
      out.readKeyValue();
      expect(out.getQueueSize()).to.equal(2);
      out.readKeyValuesToList();
      expect(out.getQueueSize()).to.equal(0);
      expect(out.isEmpty()).to.equal(true);
    });

    it('should deserialize with its own serdes', () => {
      driver.createOutputTopic('out', S, S).readRecordsToList();
      driver.createInputTopic('in', S, S).pipeInput('k', '[1,2]');
      expect(driver.createOutputTopic('out', S, Serdes.Json<number[]>()).readKeyValue()).to.deep.equal({ key: 'k', value: [1, 2] });
    });
  });

  describe('stores', () => {
    it('should show each record in the stores as soon as pipeInput returns', () => {
      driver = new TopologyTestDriver(wordCount(), { applicationId: 'wc' }, 0);
      const input = driver.createInputTopic('in', S, S);
      const counts = driver.getKeyValueStore<string, number>('counts');
      input.pipeInput('1', 'kafka');
      expect(counts.get('kafka')).to.equal(1);
      input.pipeInput('2', 'kafka');
      expect(counts.get('kafka')).to.equal(2);
    });

    it('should refuse an unknown store with an error listing the stores it has', () => {
      driver = new TopologyTestDriver(wordCount(), { applicationId: 'wc' }, 0);
      expect(() => driver.getKeyValueStore('count'))
        .to.throw(InvalidStateStoreException)
        .with.property('message', 'No state store named count; the topology has [counts]');
    });

    it('should list every store with getAllStateStores', () => {
      driver = new TopologyTestDriver(wordCount(), { applicationId: 'wc' }, 0);
      expect([...driver.getAllStateStores().keys()]).to.deep.equal(['counts']);
    });
  });

  describe('producedTopicNames', () => {
    it('should name every topic written to, internal topics with the application id in front', () => {
      driver = new TopologyTestDriver(wordCount(), { applicationId: 'wc' }, 0);
      expect([...driver.producedTopicNames()]).to.deep.equal([]);
      driver.createInputTopic('in', S, S).pipeInput('1', 'kafka');
      expect([...driver.producedTopicNames()].sort()).to.deep.equal(['counts', 'wc-counts-repartition']);
    });

    it('should keep internal topic records readable through their full name', () => {
      driver = new TopologyTestDriver(wordCount(), { applicationId: 'wc' }, 0);
      driver.createInputTopic('in', S, S).pipeInput('1', 'kafka', 7);
      expect(driver.createOutputTopic('wc-counts-repartition', S, S).readRecordsToList()).to.deep.equal([
        { topic: 'wc-counts-repartition', key: 'kafka', value: 'kafka', timestamp: 7, headers: {} },
      ]);
    });
  });

  describe('serdes', () => {
    it('should use defaultKeySerde and defaultValueSerde where the topology names none', () => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, number>('in')
        .mapValues((v) => v * 2)
        .to('out');
      driver = new TopologyTestDriver(builder.build(), { defaultKeySerde: S, defaultValueSerde: I }, 0);
      driver.createInputTopic('in', S, I).pipeInput('k', 21);
      expect(driver.createOutputTopic('out', S, I).readKeyValue()).to.deep.equal({ key: 'k', value: 42 });
    });

    it('should fail naming the source, topic, partition and offset when a value cannot be deserialized', () => {
      const builder = new StreamsBuilder();
      builder.stream<string, unknown>('in', { keySerde: S, valueSerde: Serdes.Json() }).to('out', { keySerde: S, valueSerde: Serdes.Json() });
      driver = new TopologyTestDriver(builder.build(), { logger: consoleLogger('nothing') }, 0);
      const raw = driver.createInputTopic('in', S, S);
      raw.pipeInput('k', '{}');
      expect(() => raw.pipeInput('k', '{oops'))
        .to.throw(/^Could not deserialize the value with JsonSerde/)
        .with.property('message')
        .that.contains('(at task 0_0, processor KSTREAM-SOURCE-0000000000, topic in partition 0 offset 1)');
    });
  });

  describe('failures', () => {
    function failing(): Topology {
      const builder = new StreamsBuilder();
      builder
        .stream<string, string>('in', { keySerde: S, valueSerde: S })
        .mapValues((v) => {
          if (v === 'boom') throw new Error('exploded');
          return v;
        })
        .to('out', { keySerde: S, valueSerde: S });
      return builder.build();
    }

    it('should throw from pipeInput when the record fails, naming where', () => {
      driver = new TopologyTestDriver(failing(), { logger: consoleLogger('nothing') }, 0);
      const input = driver.createInputTopic('in', S, S);
      input.pipeInput('a', 'ok');
      expect(() => input.pipeInput('b', 'boom'))
        .to.throw(ProcessingException)
        .with.property(
          'message',
          'Processor KSTREAM-MAPVALUES-0000000001 failed: exploded (at task 0_0, processor KSTREAM-MAPVALUES-0000000001, topic in partition 0 offset 1)',
        );
    });

    it('should refuse every later pipeInput once the topology failed, with the first failure as cause', () => {
      driver = new TopologyTestDriver(failing(), { logger: consoleLogger('nothing') }, 0);
      const input = driver.createInputTopic('in', S, S);
      expect(() => input.pipeInput('b', 'boom')).to.throw(ProcessingException);
      let later: unknown;
      try {
        input.pipeInput('c', 'fine');
      } catch (error) {
        later = error;
      }
      expect(later).to.be.instanceOf(StreamsException);
      expect((later as Error).message).to.match(
        /^The topology failed earlier and processes nothing more: Processor KSTREAM-MAPVALUES-0000000001 failed: exploded/,
      );
      expect((later as Error).cause).to.be.instanceOf(ProcessingException);
      expect(driver.createOutputTopic('out', S, S).readKeyValuesToList()).to.deep.equal([]);
    });

    it("should skip the failed record and go on under processingExceptionHandler 'log-and-continue'", () => {
      driver = new TopologyTestDriver(failing(), { processingExceptionHandler: 'log-and-continue', logger: consoleLogger('nothing') }, 0);
      const input = driver.createInputTopic('in', S, S);
      input.pipeInput('a', 'boom');
      input.pipeInput('b', 'fine');
      expect(driver.createOutputTopic('out', S, S).readKeyValuesToList()).to.deep.equal([{ key: 'b', value: 'fine' }]);
    });
  });

  describe('close', () => {
    it('should close processors and refuse input afterwards', () => {
      const closed: string[] = [];
      const builder = new StreamsBuilder();
      builder.stream<string, string>('in', { keySerde: S, valueSerde: S }).processNamed<string, string>('closer', () => ({
        process() {},
        close() {
          closed.push('closer');
        },
      }));
      driver = new TopologyTestDriver(builder.build(), {}, 0);
      const input = driver.createInputTopic('in', S, S);
      input.pipeInput('a', '1');
      driver.close();
      expect(closed).to.deep.equal(['closer']);
      expect(() => input.pipeInput('b', '2'))
        .to.throw(StreamsException)
        .with.property('message', 'The TopologyTestDriver is closed');
    });

    it('should close the stores', () => {
      driver = new TopologyTestDriver(wordCount(), {}, 0);
      const store = driver.getKeyValueStore('counts');
      driver.close();
      expect(store.isOpen()).to.equal(false);
    });

    it('should be safe to call twice', () => {
      driver = new TopologyTestDriver(passThrough(), {}, 0);
      driver.close();
      expect(() => driver.close()).to.not.throw();
    });
  });
});
