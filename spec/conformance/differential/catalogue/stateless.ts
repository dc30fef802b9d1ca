import { StreamsBuilder, type KeyValue } from '../../../../lib/index.ts';
import type { ConformanceTopology } from '../conformance-topology.ts';
import { int, long, str } from './serdes.ts';

type Int = number | null;
const IN = [{ topic: 'in', kind: 'int' }] as const;

/** filter, peek, map, mapValues, flatMap, selectKey, split, merge, repartition. */
export const statelessTopologies: ConformanceTopology[] = [
  {
    name: 'stateless-filter-map-values',
    inputs: IN,
    nullKeys: true,
    outputs: ['out', 'out-not'],
    build() {
      const builder = new StreamsBuilder();
      const input = builder.stream<string, Int>('in', { keySerde: str, valueSerde: int });
      input
        .filter((_k, v) => v !== null && v % 2 === 0)
        .peek(() => {})
        .mapValues((v) => v! * 10)
        .to('out', { keySerde: str, valueSerde: int });
      input.filterNot((_k, v) => v !== null && v > 4).to('out-not', { keySerde: str, valueSerde: int });
      return builder.build();
    },
  },
  {
    name: 'stateless-map-select-key',
    inputs: IN,
    nullKeys: true,
    outputs: ['out-map', 'out-select'],
    build() {
      const builder = new StreamsBuilder();
      const input = builder.stream<string | null, Int>('in', { keySerde: str, valueSerde: int });
      input.map((k, v) => ({ key: k === null ? 'none' : `${k}${v === null ? '-' : v % 3}`, value: v })).to('out-map', { keySerde: str, valueSerde: int });
      input.selectKey((_k, v) => (v === null ? null : `s${v % 2}`)).to('out-select', { keySerde: str, valueSerde: int });
      return builder.build();
    },
  },
  {
    name: 'stateless-flat-map',
    inputs: IN,
    nullKeys: true,
    outputs: ['out-flat', 'out-flat-values'],
    build() {
      const builder = new StreamsBuilder();
      const input = builder.stream<string | null, Int>('in', { keySerde: str, valueSerde: int });
      input
        .flatMap((k, v) => {
          const out: KeyValue<string, number>[] = [];
          if (v !== null) for (let i = 0; i < v % 3; i++) out.push({ key: `${k}${i}`, value: v + i });
          return out;
        })
        .to('out-flat', { keySerde: str, valueSerde: int });
      input.flatMapValues((v) => (v === null ? [] : [v, -v])).to('out-flat-values', { keySerde: str, valueSerde: int });
      return builder.build();
    },
  },
  {
    name: 'stateless-split-merge',
    inputs: IN,
    nullKeys: true,
    outputs: ['out-low', 'out-merged'],
    build() {
      const builder = new StreamsBuilder();
      const branches = builder
        .stream<string, Int>('in', { keySerde: str, valueSerde: int })
        .split('split-')
        .branch((_k, v) => v !== null && v < 3)
        .branch((_k, v) => v !== null && v < 7)
        .defaultBranch();
      branches['split-1']!.to('out-low', { keySerde: str, valueSerde: int });
      branches['split-2']!.mapValues((v): Int => v! + 100)
        .merge(branches['split-0']!)
        .to('out-merged', { keySerde: str, valueSerde: int });
      return builder.build();
    },
  },
  {
    name: 'repartition',
    inputs: IN,
    nullKeys: false,
    outputs: ['out', 'out-count'],
    build() {
      const builder = new StreamsBuilder();
      const input = builder.stream<string, Int>('in', { keySerde: str, valueSerde: int });
      input
        .repartition({ keySerde: str, valueSerde: int })
        .mapValues((v) => (v === null ? null : v + 1))
        .to('out', { keySerde: str, valueSerde: int });
      input
        .selectKey((_k, v) => (v === null ? 'n' : `r${v % 2}`))
        .groupByKey()
        .count()
        .toStream()
        .to('out-count', { keySerde: str, valueSerde: long });
      return builder.build();
    },
  },
];
