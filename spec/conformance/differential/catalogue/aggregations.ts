import { StreamsBuilder } from '../../../../lib/index.ts';
import type { ConformanceTopology } from '../conformance-topology.ts';
import { int, long, orNull, str } from './serdes.ts';

type Int = number | null;

/** Stream and table aggregations (count, reduce, aggregate, adder/subtractor), cogroup. */
export const aggregationTopologies: ConformanceTopology[] = [
  {
    name: 'stream-group-by-count',
    inputs: [{ topic: 'in', kind: 'int' }],
    nullKeys: false,
    outputs: ['out'],
    build() {
      const builder = new StreamsBuilder();
      builder
        .stream<string, Int>('in', { keySerde: str, valueSerde: int })
        .groupBy((_k, v) => `g${v === null ? 'n' : v % 3}`, { keySerde: str, valueSerde: int })
        .count()
        .toStream()
        .to('out', { keySerde: str, valueSerde: long });
      return builder.build();
    },
  },
  {
    name: 'stream-reduce-aggregate',
    inputs: [{ topic: 'in', kind: 'int' }],
    nullKeys: false,
    outputs: ['out-reduce', 'out-aggregate'],
    build() {
      const builder = new StreamsBuilder();
      const grouped = builder.stream<string, Int>('in', { keySerde: str, valueSerde: int }).groupByKey();
      grouped
        .reduce((a, b) => a! + b!)
        .toStream()
        .to('out-reduce', { keySerde: str, valueSerde: int });
      grouped
        .aggregate(
          () => 0,
          (_k, v, agg: number) => (agg * 3 + orNull(v)) % 1000,
          { keySerde: str, valueSerde: int },
        )
        .toStream()
        .to('out-aggregate', { keySerde: str, valueSerde: int });
      return builder.build();
    },
  },
  {
    name: 'table-group-by-reduce',
    inputs: [{ topic: 'tin', kind: 'int' }],
    nullKeys: false,
    outputs: ['out'],
    build() {
      const builder = new StreamsBuilder();
      builder
        .table<string, number>('tin', { keySerde: str, valueSerde: int })
        .groupBy((_k, v) => ({ key: `g${v % 3}`, value: v }), { keySerde: str, valueSerde: int })
        .reduce(
          (a, b) => a + b,
          (a, b) => a - b,
        )
        .toStream()
        .to('out', { keySerde: str, valueSerde: int });
      return builder.build();
    },
  },
  {
    name: 'table-group-by-count-aggregate',
    inputs: [{ topic: 'tin', kind: 'int' }],
    nullKeys: false,
    outputs: ['out-count', 'out-aggregate'],
    build() {
      const builder = new StreamsBuilder();
      const table = builder.table<string, number>('tin', { keySerde: str, valueSerde: int });
      table
        .groupBy((_k, v) => ({ key: v % 2 === 0 ? 'even' : 'odd', value: v }), { keySerde: str, valueSerde: int })
        .count()
        .toStream()
        .to('out-count', { keySerde: str, valueSerde: long });
      table
        .groupBy((k, v) => ({ key: k === 'a' ? 'a' : 'other', value: v }), { keySerde: str, valueSerde: int })
        .aggregate(
          () => 0,
          (_k, v, agg: number) => agg + v * 10,
          (_k, v, agg: number) => agg - v,
          { keySerde: str, valueSerde: int },
        )
        .toStream()
        .to('out-aggregate', { keySerde: str, valueSerde: int });
      return builder.build();
    },
  },
  {
    name: 'cogroup',
    inputs: [
      { topic: 'left', kind: 'int' },
      { topic: 'right', kind: 'int' },
    ],
    nullKeys: false,
    outputs: ['out'],
    build() {
      const builder = new StreamsBuilder();
      const left = builder.stream<string, Int>('left', { keySerde: str, valueSerde: int }).groupByKey();
      const right = builder.stream<string, Int>('right', { keySerde: str, valueSerde: int }).groupByKey();
      left
        .cogroup((_k, v, agg: number) => agg + orNull(v))
        .cogroup(right, (_k, v, agg) => (agg * 2 - orNull(v)) % 1000)
        .aggregate(() => 0, { keySerde: str, valueSerde: int })
        .toStream()
        .to('out', { keySerde: str, valueSerde: int });
      return builder.build();
    },
  },
];
