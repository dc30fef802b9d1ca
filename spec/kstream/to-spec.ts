import { expect } from 'chai';
import { TestScheduler } from 'rxjs/testing';
import { StreamsBuilder, Serdes, SerializationException, consoleLogger, type RecordContext } from '../../lib/index.ts';
import { runTopology, TopologyTestDriver } from '../../lib/testing/index.ts';
import { errorText } from './helpers.ts';

describe('KStream.to', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  const readings = {
    a: { key: 'sensor-1', value: 21 },
    b: { key: 'sensor-2', value: 35 },
    c: { key: 'sensor-1', value: 19 },
  };

  describe('to a fixed topic', () => {
    it('should write every record to the topic with its key, value, timestamp and headers', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const builder = new StreamsBuilder();
        builder.stream<string, number>('readings').to('archive');

        const input = cold('-a-b-|', { a: { ...readings.a, headers: { unit: 'C' } }, b: readings.b });
        const expected = '  -x-y-|';
        expectObservable(runTopology(builder.build(), { readings: input }).records('archive')).toBe(expected, {
          x: { topic: 'archive', key: 'sensor-1', value: 21, timestamp: 1, headers: { unit: 'C' } },
          y: { topic: 'archive', key: 'sensor-2', value: 35, timestamp: 3, headers: {} },
        });
      });
    });

    it('should write to several topics from one stream', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const builder = new StreamsBuilder();
        const stream = builder.stream<string, number>('readings');
        stream.to('archive');
        stream.filter((_sensor, celsius) => celsius > 30).to('alerts');

        const input = cold('-a-b-c-|', readings);
        const run = runTopology(builder.build(), { readings: input });
        expectObservable(run.output('archive')).toBe('-a-b-c-|', readings);
        expectObservable(run.output('alerts')).toBe(' ---b---|', readings);
      });
    });
  });

  describe('to a topic chosen per record', () => {
    it('should write each record to the topic the extractor returns for its key and value', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const builder = new StreamsBuilder();
        builder.stream<string, number>('readings').to((sensor, celsius) => (celsius > 30 ? 'hot' : `normal-${sensor}`));

        const input = cold('-a-b-c-|', readings);
        const run = runTopology(builder.build(), { readings: input });
        expectObservable(run.output('hot')).toBe('          ---b---|', readings);
        expectObservable(run.output('normal-sensor-1')).toBe('-a---c-|', readings);
      });
    });

    it('should give the extractor the record context: topic, partition, offset, timestamp and headers of the input record', () => {
      const contexts: RecordContext[] = [];
      const builder = new StreamsBuilder();
      builder.stream<string, number>('readings', { keySerde: Serdes.String(), valueSerde: Serdes.Int() }).to((_sensor, _celsius, recordContext) => {
        contexts.push(recordContext!);
        return `${recordContext!.topic}-copy`;
      });
      const driver = new TopologyTestDriver(builder.build(), { applicationId: 'app' }, 0);
      const input = driver.createInputTopic('readings', Serdes.String(), Serdes.Int());

      input.pipeInput('sensor-1', 21, 1000, { unit: 'C' });
      input.pipeInput('sensor-2', 35, 2000);

      expect(contexts.map(({ topic, partition, offset, timestamp, headers }) => ({ topic, partition, offset, timestamp, headers }))).to.deep.equal([
        { topic: 'readings', partition: 0, offset: 0, timestamp: 1000, headers: { unit: 'C' } },
        { topic: 'readings', partition: 0, offset: 1, timestamp: 2000, headers: {} },
      ]);
      expect(driver.createOutputTopic('readings-copy', Serdes.String(), Serdes.Int()).readKeyValuesToList()).to.deep.equal([
        { key: 'sensor-1', value: 21 },
        { key: 'sensor-2', value: 35 },
      ]);
      driver.close();
    });

    it('should fail naming the sink when the extractor returns no topic name', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const builder = new StreamsBuilder();
        builder.stream<string, number>('readings').to((_sensor, celsius) => (celsius > 30 ? '' : 'normal'), { name: 'route-readings' });

        const input = cold('-a-b-c-|', readings);
        const expected = '  -a-#';
        const error = 'StreamsException: The topic name extractor of sink route-readings returned , not a topic name';
        expectObservable(runTopology(builder.build(), { readings: input }).output('normal').pipe(errorText())).toBe(expected, readings, error);
      });
    });

    it('should fail naming the sink and the record when the extractor throws', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const builder = new StreamsBuilder();
        builder.stream<string, number>('readings').to(
          (_sensor, celsius) => {
            if (celsius < 20) throw new Error('too cold to route');
            return 'normal';
          },
          { name: 'route-readings' },
        );

        const input = cold('-a-b-c-|', readings);
        const expected = '  -a-b-#';
        const error =
          'ProcessingException: Processor route-readings failed: too cold to route (at task 0_0, processor route-readings, topic readings partition 0 offset 2)';
        expectObservable(runTopology(builder.build(), { readings: input }).output('normal').pipe(errorText())).toBe(expected, readings, error);
      });
    });

    it("should skip the record when the extractor throws under processingExceptionHandler 'log-and-continue'", () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const builder = new StreamsBuilder();
        builder.stream<string, number>('readings').to((_sensor, celsius) => {
          if (celsius > 30) throw new Error('too hot to route');
          return 'normal';
        });

        const input = cold('-a-b-c-|', readings);
        const expected = '  -a---c-|';
        const run = runTopology(builder.build(), { readings: input }, { processingExceptionHandler: 'log-and-continue', logger: consoleLogger('nothing') });
        expectObservable(run.output('normal')).toBe(expected, readings);
      });
    });
  });

  describe('produced serdes', () => {
    it('should serialize key and value with the produced serdes', () => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, string>('readings', { keySerde: Serdes.String(), valueSerde: Serdes.String() })
        .mapValues((text) => Number.parseInt(text, 10))
        .to('celsius', { valueSerde: Serdes.Int() });
      const driver = new TopologyTestDriver(builder.build(), { applicationId: 'app' }, 0);
      const input = driver.createInputTopic('readings', Serdes.String(), Serdes.String());
      const raw = driver.createOutputTopic('celsius', Serdes.String(), Serdes.Buffer());

      input.pipeInput('sensor-1', '258');

      // Int is 4 bytes big-endian, as Java's IntegerSerializer writes it.
      expect(raw.readKeyValue()).to.deep.equal({ key: 'sensor-1', value: Buffer.from([0, 0, 1, 2]) });
      driver.close();
    });

    it('should fall back to the serdes of the stream, then to the configured defaults', () => {
      const builder = new StreamsBuilder();
      const stream = builder.stream<string, number>('readings', { keySerde: Serdes.String(), valueSerde: Serdes.Int() });
      stream.to('same-serdes');
      stream.map((sensor, celsius) => ({ key: sensor, value: celsius * 2 })).to('default-serdes');
      const driver = new TopologyTestDriver(builder.build(), { applicationId: 'app', defaultKeySerde: Serdes.String(), defaultValueSerde: Serdes.Double() }, 0);
      const input = driver.createInputTopic('readings', Serdes.String(), Serdes.Int());

      input.pipeInput('sensor-1', 21);

      expect(driver.createOutputTopic('same-serdes', Serdes.String(), Serdes.Int()).readKeyValuesToList()).to.deep.equal([{ key: 'sensor-1', value: 21 }]);
      expect(driver.createOutputTopic('default-serdes', Serdes.String(), Serdes.Double()).readKeyValuesToList()).to.deep.equal([
        { key: 'sensor-1', value: 42 },
      ]);
      driver.close();
    });

    it('should fail naming the sink and the topic when no value serde is known', () => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, string>('readings', { keySerde: Serdes.String(), valueSerde: Serdes.String() })
        .mapValues((text) => text.length)
        .to('lengths', { name: 'write-lengths' });
      const driver = new TopologyTestDriver(builder.build(), { applicationId: 'app' }, 0);
      const input = driver.createInputTopic('readings', Serdes.String(), Serdes.String());

      expect(() => input.pipeInput('sensor-1', 'abc')).to.throw(
        'Sink write-lengths has no value serde for topic lengths: pass produced valueSerde or set defaultValueSerde in the config',
      );
    });

    it('should fail naming the topic and the record when the value serde cannot write the value', () => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, string>('readings', { keySerde: Serdes.String(), valueSerde: Serdes.String() })
        .mapValues((text) => Number(text))
        .to('celsius', { valueSerde: Serdes.Int(), name: 'write-celsius' });
      const driver = new TopologyTestDriver(builder.build(), { applicationId: 'app' }, 0);
      const input = driver.createInputTopic('readings', Serdes.String(), Serdes.String());

      input.pipeInput('sensor-1', '20');
      expect(() => input.pipeInput('sensor-1', '20.5'))
        .to.throw(SerializationException)
        .with.property(
          'message',
          'Could not serialize the value for topic celsius with IntSerde: Int serde needs a 32-bit integer, got 20.5 (at task 0_0, processor write-celsius, topic readings partition 0 offset 1)',
        );
    });
  });

  describe('partitioner', () => {
    it('should ask the partitioner for a partition with topic, key, value and partition count', () => {
      const asked: unknown[][] = [];
      testScheduler.run(({ cold, expectObservable }) => {
        const builder = new StreamsBuilder();
        builder.stream<string, number>('readings').to('archive', {
          partitioner: (topic, sensor, celsius, partitions) => {
            asked.push([topic, sensor, celsius, partitions]);
            return 0;
          },
        });

        const input = cold('-a-b-|', readings);
        const expected = '  -x-y-|';
        expectObservable(runTopology(builder.build(), { readings: input }).records('archive')).toBe(expected, {
          x: { topic: 'archive', partition: 0, key: 'sensor-1', value: 21, timestamp: 1, headers: {} },
          y: { topic: 'archive', partition: 0, key: 'sensor-2', value: 35, timestamp: 3, headers: {} },
        });
      });
      // The test helpers run one partition per topic, as Kafka's TopologyTestDriver does.
      expect(asked).to.deep.equal([
        ['archive', 'sensor-1', 21, 1],
        ['archive', 'sensor-2', 35, 1],
      ]);
    });

    it('should leave the partition to the default partitioner when the partitioner returns undefined', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const builder = new StreamsBuilder();
        builder.stream<string, number>('readings').to('archive', { partitioner: () => undefined });

        const input = cold('-a-|', readings);
        const expected = '  -x-|';
        expectObservable(runTopology(builder.build(), { readings: input }).records('archive')).toBe(expected, {
          x: { topic: 'archive', key: 'sensor-1', value: 21, timestamp: 1, headers: {} },
        });
      });
    });

    it('should fail naming the sink when the partitioner picks a partition the topic does not have', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const builder = new StreamsBuilder();
        builder.stream<string, number>('readings').to('archive', { name: 'archive-sink', partitioner: (_topic, _sensor, celsius) => (celsius > 30 ? 3 : 0) });

        const input = cold('-a-b-|', readings);
        const expected = '  -a-#';
        const error = 'StreamsException: The partitioner of sink archive-sink chose partition 3 for topic archive, which has 1';
        expectObservable(runTopology(builder.build(), { readings: input }).output('archive').pipe(errorText())).toBe(expected, readings, error);
      });
    });
  });

  it('should name the sink node with produced.name', () => {
    const builder = new StreamsBuilder();
    builder.stream<string, number>('readings').to('archive', { name: 'archive-sink' });

    expect(builder.build().describe().toString()).to.contain('Sink: archive-sink (topic: archive)\n      <-- KSTREAM-SOURCE-0000000000');
  });
});
