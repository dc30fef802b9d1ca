import { StreamsBuilder } from '../../../../lib/index.ts';
import type { ConformanceTopology } from '../conformance-topology.ts';
import { int, str } from './serdes.ts';

/** toTable, KTable filter/filterNot/mapValues, materialized or not. */
export const tableTopologies: ConformanceTopology[] = [
  {
    name: 'stream-to-table',
    inputs: [{ topic: 'in', kind: 'int' }],
    nullKeys: true,
    outputs: ['out', 'out-odd'],
    build() {
      const builder = new StreamsBuilder();
      const table = builder.stream<string, number>('in', { keySerde: str, valueSerde: int }).toTable();
      table.toStream().to('out', { keySerde: str, valueSerde: int });
      table
        .filter((_k, v) => v % 2 === 1)
        .toStream()
        .to('out-odd', { keySerde: str, valueSerde: int });
      return builder.build();
    },
  },
  {
    name: 'table-filter-map-values',
    inputs: [{ topic: 'tin', kind: 'int' }],
    nullKeys: true,
    outputs: ['out'],
    build() {
      const builder = new StreamsBuilder();
      builder
        .table<string, number>('tin', { keySerde: str, valueSerde: int })
        .filter((_k, v) => v % 2 === 0)
        .mapValues((v) => v * 3)
        .toStream()
        .to('out', { keySerde: str, valueSerde: int });
      return builder.build();
    },
  },
  {
    name: 'table-filter-materialized',
    inputs: [{ topic: 'tin', kind: 'int' }],
    nullKeys: true,
    outputs: ['out'],
    build() {
      const builder = new StreamsBuilder();
      builder
        .table<string, number>('tin', { keySerde: str, valueSerde: int }, { storeName: 'tin-store' })
        .filterNot((_k, v) => v > 6, { storeName: 'small-store' })
        .mapValues((v) => v + 1)
        .toStream()
        .to('out', { keySerde: str, valueSerde: int });
      return builder.build();
    },
  },
];
