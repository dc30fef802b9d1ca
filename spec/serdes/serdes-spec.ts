import { expect } from 'chai';
import { Serdes, SerializationException, StreamsException, Topology, consoleLogger } from '../../lib/index.ts';
import type { Processor, ProcessorContext, Serde, StreamsException as StreamsExceptionType } from '../../lib/index.ts';
import { TopologyTestDriver } from '../../lib/testing/index.ts';

const hex = (bytes: Buffer | null): string | null => (bytes === null ? null : bytes.toString('hex'));

/** Calls `fn` and returns what it threw; fails the test when it does not throw. */
function thrownBy(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  expect.fail('expected an error to be thrown');
}

describe('Serdes', () => {
  describe('String', () => {
    const serde = Serdes.String();

    it('should write UTF-8 bytes and read them back', () => {
      const bytes = serde.serialize('t', 'héllo ✓');
      expect(hex(bytes)).to.equal(Buffer.from('héllo ✓', 'utf8').toString('hex'));
      expect(serde.deserialize('t', bytes)).to.equal('héllo ✓');
    });

    it('should write the empty string as zero bytes, not as null', () => {
      const bytes = serde.serialize('t', '');
      expect(bytes).to.be.instanceOf(Buffer);
      expect(bytes!.length).to.equal(0);
      expect(serde.deserialize('t', bytes)).to.equal('');
    });

    it('should pass null through both ways', () => {
      expect(serde.serialize('t', null)).to.equal(null);
      expect(serde.deserialize('t', null)).to.equal(null);
    });

    it('should refuse a value that is not a string', () => {
      expect(() => (serde as Serde<unknown>).serialize('t', 42)).to.throw(TypeError, /String serde got a number/);
    });
  });

  describe('Json', () => {
    interface Order {
      item: string;
      quantity: number;
      tags: string[];
    }
    const serde = Serdes.Json<Order>();

    it('should write JSON text as UTF-8 and read the same value back', () => {
      const order: Order = { item: 'laptöp', quantity: 2, tags: ['a', 'b'] };
      const bytes = serde.serialize('orders', order);
      expect(bytes!.toString('utf8')).to.equal('{"item":"laptöp","quantity":2,"tags":["a","b"]}');
      expect(serde.deserialize('orders', bytes)).to.deep.equal(order);
    });

    it('should read any JSON value, not only objects', () => {
      const any = Serdes.Json<unknown>();
      expect(any.deserialize('t', Buffer.from('[1,"x",true]'))).to.deep.equal([1, 'x', true]);
      expect(any.deserialize('t', Buffer.from('"text"'))).to.equal('text');
      expect(any.deserialize('t', Buffer.from('3.5'))).to.equal(3.5);
    });

    it('should pass null through both ways (a tombstone stays a tombstone)', () => {
      expect(serde.serialize('t', null)).to.equal(null);
      expect(serde.deserialize('t', null)).to.equal(null);
    });

    it('should raise an error showing the start of bytes that are not JSON', () => {
      expect(() => serde.deserialize('orders', Buffer.from('not json'))).to.throw(/not valid JSON.*"not json"/);
    });

    it('should refuse a value JSON cannot represent', () => {
      expect(() => Serdes.Json<unknown>().serialize('t', { count: 1n })).to.throw(TypeError, /BigInt/);
      expect(() => Serdes.Json<unknown>().serialize('t', () => 1)).to.throw(TypeError, 'a function has no JSON form');
      expect(() => Serdes.Json<unknown>().serialize('t', Symbol('s'))).to.throw(TypeError, 'a symbol has no JSON form');
    });
  });

  describe('Int', () => {
    const serde = Serdes.Int();

    it('should write 4 bytes big-endian, as Java’s IntegerSerializer', () => {
      expect(hex(serde.serialize('t', 0))).to.equal('00000000');
      expect(hex(serde.serialize('t', 258))).to.equal('00000102');
      expect(hex(serde.serialize('t', -1))).to.equal('ffffffff');
      expect(hex(serde.serialize('t', 2147483647))).to.equal('7fffffff');
      expect(hex(serde.serialize('t', -2147483648))).to.equal('80000000');
    });

    it('should read what Java’s IntegerSerializer writes', () => {
      expect(serde.deserialize('t', Buffer.from('00000102', 'hex'))).to.equal(258);
      expect(serde.deserialize('t', Buffer.from('fffffffe', 'hex'))).to.equal(-2);
      expect(serde.deserialize('t', Buffer.from('80000000', 'hex'))).to.equal(-2147483648);
    });

    it('should pass null through both ways', () => {
      expect(serde.serialize('t', null)).to.equal(null);
      expect(serde.deserialize('t', null)).to.equal(null);
    });

    it('should refuse numbers outside the 32-bit range or not integers', () => {
      for (const bad of [2147483648, -2147483649, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
        expect(() => serde.serialize('t', bad), String(bad)).to.throw(RangeError, /Int serde needs a 32-bit integer/);
      }
      expect(() => (serde as Serde<unknown>).serialize('t', '1')).to.throw(RangeError);
    });

    it('should refuse byte arrays that are not 4 bytes long, saying how long they were', () => {
      expect(() => serde.deserialize('t', Buffer.from('000001', 'hex'))).to.throw(RangeError, 'Int serde needs 4 bytes, got 3');
      expect(() => serde.deserialize('t', Buffer.alloc(8))).to.throw(RangeError, 'Int serde needs 4 bytes, got 8');
      expect(() => serde.deserialize('t', Buffer.alloc(0))).to.throw(RangeError, 'Int serde needs 4 bytes, got 0');
    });
  });

  describe('Long', () => {
    const serde = Serdes.Long();

    it('should write 8 bytes big-endian, as Java’s LongSerializer', () => {
      expect(hex(serde.serialize('t', 1n))).to.equal('0000000000000001');
      expect(hex(serde.serialize('t', -1n))).to.equal('ffffffffffffffff');
      expect(hex(serde.serialize('t', 2n ** 63n - 1n))).to.equal('7fffffffffffffff');
      expect(hex(serde.serialize('t', -(2n ** 63n)))).to.equal('8000000000000000');
    });

    it('should read longs as bigint, beyond the safe-integer range of numbers', () => {
      expect(serde.deserialize('t', Buffer.from('0000000000000005', 'hex'))).to.equal(5n);
      expect(serde.deserialize('t', Buffer.from('0020000000000001', 'hex'))).to.equal(2n ** 53n + 1n);
      expect(serde.deserialize('t', Buffer.from('fffffffffffffffe', 'hex'))).to.equal(-2n);
    });

    it('should also take a safe-integer number, written as the same bytes as the bigint', () => {
      const asNumber = (serde as Serde<bigint | number>).serialize('t', 42);
      expect(hex(asNumber)).to.equal(hex(serde.serialize('t', 42n)));
      expect(hex((serde as Serde<bigint | number>).serialize('t', -7))).to.equal('fffffffffffffff9');
    });

    it('should refuse numbers that are not safe integers, and bigints beyond 64 bits', () => {
      const loose = serde as Serde<bigint | number>;
      expect(() => loose.serialize('t', 2 ** 53)).to.throw(RangeError, /Long serde needs a bigint or a safe integer/);
      expect(() => loose.serialize('t', 1.5)).to.throw(RangeError, /safe integer/);
      expect(() => serde.serialize('t', 2n ** 63n)).to.throw(RangeError, /does not fit in 64 bits/);
      expect(() => serde.serialize('t', -(2n ** 63n) - 1n)).to.throw(RangeError, /does not fit in 64 bits/);
    });

    it('should pass null through both ways', () => {
      expect(serde.serialize('t', null)).to.equal(null);
      expect(serde.deserialize('t', null)).to.equal(null);
    });

    it('should refuse byte arrays that are not 8 bytes long', () => {
      expect(() => serde.deserialize('t', Buffer.alloc(4))).to.throw(RangeError, 'Long serde needs 8 bytes, got 4');
    });
  });

  describe('Double', () => {
    const serde = Serdes.Double();

    it('should write IEEE-754 doubles as 8 bytes big-endian, as Java’s DoubleSerializer', () => {
      expect(hex(serde.serialize('t', 1.5))).to.equal('3ff8000000000000');
      expect(hex(serde.serialize('t', -2))).to.equal('c000000000000000');
      expect(serde.deserialize('t', Buffer.from('400921fb54442d18', 'hex'))).to.equal(Math.PI);
    });

    it('should keep NaN, infinities and the sign of zero', () => {
      expect(serde.deserialize('t', serde.serialize('t', Number.NaN))).to.be.NaN;
      expect(serde.deserialize('t', serde.serialize('t', Number.NEGATIVE_INFINITY))).to.equal(Number.NEGATIVE_INFINITY);
      expect(Object.is(serde.deserialize('t', serde.serialize('t', -0)), -0)).to.equal(true);
    });

    it('should pass null through both ways', () => {
      expect(serde.serialize('t', null)).to.equal(null);
      expect(serde.deserialize('t', null)).to.equal(null);
    });

    it('should refuse a value that is not a number, and byte arrays that are not 8 bytes long', () => {
      expect(() => (serde as Serde<unknown>).serialize('t', '1.5')).to.throw(TypeError, /Double serde got a string/);
      expect(() => serde.deserialize('t', Buffer.alloc(7))).to.throw(RangeError, 'Double serde needs 8 bytes, got 7');
    });
  });

  describe('Buffer', () => {
    const serde = Serdes.Buffer();

    it('should pass bytes through untouched', () => {
      const bytes = Buffer.from([0, 1, 254, 255]);
      expect(hex(serde.serialize('t', bytes))).to.equal('0001feff');
      expect(hex(serde.deserialize('t', Buffer.from('0001feff', 'hex')))).to.equal('0001feff');
    });

    it('should pass null through both ways', () => {
      expect(serde.serialize('t', null)).to.equal(null);
      expect(serde.deserialize('t', null)).to.equal(null);
    });

    it('should refuse a value that is not a Buffer', () => {
      expect(() => (serde as Serde<unknown>).serialize('t', 'bytes')).to.throw(TypeError, /Buffer serde got a string/);
    });
  });

  describe('Void', () => {
    const serde = Serdes.Void();

    it('should write and read only null', () => {
      expect(serde.serialize('t', null)).to.equal(null);
      expect(serde.deserialize('t', null)).to.equal(null);
    });

    it('should refuse data, both ways', () => {
      expect(() => (serde as Serde<unknown>).serialize('t', 'x')).to.throw(TypeError, /Void serde only writes null/);
      expect(() => serde.deserialize('t', Buffer.from('x'))).to.throw(RangeError, /Void serde needs null data, got 1 bytes/);
    });
  });

  describe('in a topology run by the TopologyTestDriver', () => {
    interface Order {
      item: string;
      quantity: number;
    }

    /** in (String keys, Json values) -> a processor that passes records on -> out (String, Int quantities). */
    function quantities(log: unknown[] = []): Topology {
      return new Topology()
        .addSource('orders-source', 'orders', { keySerde: Serdes.String(), valueSerde: Serdes.Json<Order>() })
        .addProcessor<string, Order | null, string, number | null>(
          'quantity',
          (): Processor<string, Order | null, string, number | null> => {
            let context: ProcessorContext<string, number | null>;
            return {
              init: (ctx) => (context = ctx),
              process: (record) => {
                log.push(record.value);
                context.forward({ ...record, value: record.value === null ? null : record.value.quantity });
              },
            };
          },
          'orders-source',
        )
        .addSink('quantities-sink', 'quantities', { keySerde: Serdes.String(), valueSerde: Serdes.Int() }, 'quantity');
    }

    it('should deserialize records for the processors and serialize what the sinks write', () => {
      const driver = new TopologyTestDriver(quantities());
      driver.createInputTopic('orders', Serdes.String(), Serdes.Json<Order>()).pipeInput('o1', { item: 'laptop', quantity: 3 });

      const raw = driver.createOutputTopic('quantities', Serdes.Buffer(), Serdes.Buffer()).readKeyValue();
      expect(raw.key.toString('utf8')).to.equal('o1');
      expect(hex(raw.value)).to.equal('00000003');
      driver.close();
    });

    it('should pass a tombstone through as a null value', () => {
      const seen: unknown[] = [];
      const driver = new TopologyTestDriver(quantities(seen));
      driver.createInputTopic('orders', Serdes.String(), Serdes.Json<Order | null>()).pipeInput('o1', null);

      expect(seen).to.deep.equal([null]);
      expect(driver.createOutputTopic('quantities', Serdes.String(), Serdes.Int()).readKeyValuesToList()).to.deep.equal([{ key: 'o1', value: null }]);
      driver.close();
    });

    it('should raise a SerializationException naming topic, partition and offset for a value that is not JSON', () => {
      const driver = new TopologyTestDriver(quantities());
      const good = driver.createInputTopic('orders', Serdes.String(), Serdes.Json<Order>());
      const bad = driver.createInputTopic('orders', Serdes.String(), Serdes.String());
      good.pipeInput('o1', { item: 'laptop', quantity: 1 });

      const error = thrownBy(() => bad.pipeInput('o2', 'not json')) as StreamsExceptionType;
      expect(error).to.be.instanceOf(SerializationException);
      expect(error.message).to.include('Could not deserialize the value with JsonSerde');
      expect(error.message).to.include('not valid JSON');
      expect(error.message).to.include('topic orders partition 0 offset 1');
      expect(error.location).to.include({ topic: 'orders', partition: 0, offset: 1, nodeName: 'orders-source' });
      driver.close();
    });

    it('should name the key when the key bytes do not fit the key serde', () => {
      const topology = new Topology()
        .addSource('numbers-source', 'numbers', { keySerde: Serdes.Int(), valueSerde: Serdes.String() })
        .addSink('out', 'copy', { keySerde: Serdes.Int(), valueSerde: Serdes.String() }, 'numbers-source');
      const driver = new TopologyTestDriver(topology);

      const error = thrownBy(() => driver.createInputTopic('numbers', Serdes.String(), Serdes.String()).pipeInput('abc', 'v'));
      expect(error).to.be.instanceOf(SerializationException);
      expect(error.message).to.include('Could not deserialize the key with IntSerde: Int serde needs 4 bytes, got 3');
      expect(error.message).to.include('topic numbers partition 0 offset 0');
      driver.close();
    });

    it('should stop processing after a bad record unless told to continue', () => {
      const driver = new TopologyTestDriver(quantities());
      expect(() => driver.createInputTopic('orders', Serdes.String(), Serdes.String()).pipeInput('o1', '{')).to.throw(SerializationException);

      const next = (): void => driver.createInputTopic('orders', Serdes.String(), Serdes.Json<Order>()).pipeInput('o2', { item: 'mouse', quantity: 1 });
      expect(next).to.throw(StreamsException, /failed earlier/);
      driver.close();
    });

    it("should skip the bad record and process the next one with deserializationExceptionHandler 'log-and-continue'", () => {
      const seen: unknown[] = [];
      const driver = new TopologyTestDriver(quantities(seen), { deserializationExceptionHandler: 'log-and-continue', logger: consoleLogger('nothing') });
      const text = driver.createInputTopic('orders', Serdes.String(), Serdes.String());
      const orders = driver.createInputTopic('orders', Serdes.String(), Serdes.Json<Order>());

      orders.pipeInput('o1', { item: 'laptop', quantity: 1 });
      text.pipeInput('o2', 'not json');
      orders.pipeInput('o3', { item: 'mouse', quantity: 2 });

      expect(seen).to.deep.equal([
        { item: 'laptop', quantity: 1 },
        { item: 'mouse', quantity: 2 },
      ]);
      expect(driver.createOutputTopic('quantities', Serdes.String(), Serdes.Int()).readKeyValuesToList()).to.deep.equal([
        { key: 'o1', value: 1 },
        { key: 'o3', value: 2 },
      ]);
      driver.close();
    });

    it('should hand the SerializationException to a custom deserialization handler', () => {
      const handled: StreamsExceptionType[] = [];
      const driver = new TopologyTestDriver(quantities(), {
        deserializationExceptionHandler: (error) => {
          handled.push(error);
          return 'continue';
        },
        logger: consoleLogger('nothing'),
      });
      driver.createInputTopic('orders', Serdes.String(), Serdes.String()).pipeInput('o1', 'oops');

      expect(handled).to.have.length(1);
      expect(handled[0]).to.be.instanceOf(SerializationException);
      expect(handled[0]!.location).to.include({ topic: 'orders', partition: 0, offset: 0 });
      driver.close();
    });

    it('should raise a SerializationException naming the sink topic when a value does not fit the sink serde', () => {
      const driver = new TopologyTestDriver(quantities());
      const error = thrownBy(() =>
        driver.createInputTopic('orders', Serdes.String(), Serdes.Json<Order>()).pipeInput('o1', { item: 'laptop', quantity: 2 ** 40 }),
      );
      expect(error).to.be.instanceOf(SerializationException);
      expect(error.message).to.include('Could not serialize the value for topic quantities with IntSerde');
      expect(error.message).to.include('processor quantities-sink');
      expect(error.message).to.include('topic orders partition 0 offset 0');
      driver.close();
    });
  });
});
