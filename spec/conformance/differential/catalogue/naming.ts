import { BufferConfig, SessionWindows, StreamsBuilder, Suppressed } from '../../../../lib/index.ts';
import type { ConformanceTopology, InputKind } from '../conformance-topology.ts';
import { int, joined, long, str, windowedKey } from './serdes.ts';

type Int = number | null;

function topology(name: string, inputs: [string, InputKind][], build: (builder: StreamsBuilder) => void): ConformanceTopology {
  return {
    name,
    nullKeys: false,
    inputs: inputs.map(([topic, kind]) => ({ topic, kind })),
    outputs: ['out'],
    build() {
      const builder = new StreamsBuilder();
      build(builder);
      return builder.build();
    },
  };
}

/** User-given names, materialized joins, a join after a key change, a session suppression, two sources merged. */
export const namingTopologies: ConformanceTopology[] = [
  topology('named-operations', [['in', 'int']], (builder) => {
    builder
      .stream<string, Int>('in', { keySerde: str, valueSerde: int, name: 'read-in' })
      .filter((_k, v) => v !== null, 'non-null')
      .groupBy((_k, v) => `m${v! % 3}`, { name: 'by-mod', keySerde: str, valueSerde: int })
      .count({ storeName: 'counts' }, 'counter')
      .toStream('counts-out')
      .to('out', { keySerde: str, valueSerde: long, name: 'write-out' });
  }),
  topology(
    'join-stream-table-after-key-change',
    [
      ['left', 'int'],
      ['tright', 'int'],
    ],
    (builder) => {
      const table = builder.table<string, number>('tright', { keySerde: str, valueSerde: int });
      builder
        .stream<string, Int>('left', { keySerde: str, valueSerde: int })
        .selectKey((k, v) => (v === null ? k : String.fromCharCode(97 + (v % 4))))
        .join(table, joined)
        .to('out', { keySerde: str, valueSerde: str });
    },
  ),
  topology(
    'join-table-table-materialized',
    [
      ['tleft', 'int'],
      ['tright', 'int'],
    ],
    (builder) => {
      const left = builder.table<string, number>('tleft', { keySerde: str, valueSerde: int });
      const right = builder.table<string, number>('tright', { keySerde: str, valueSerde: int });
      left
        .leftJoin(right, (l, r) => l * 10 + (r === null ? 0 : r), { keySerde: str, valueSerde: int })
        .filter((_k, v) => v % 2 === 0)
        .toStream()
        .to('out', { keySerde: str, valueSerde: int });
    },
  ),
  topology('window-session-suppress', [['in', 'int']], (builder) => {
    builder
      .stream<string, Int>('in', { keySerde: str, valueSerde: int })
      .groupByKey()
      .windowedBy(SessionWindows.ofInactivityGapAndGrace(4000, 1000))
      .count()
      .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()))
      .toStream()
      .map((key, value) => ({ key: windowedKey(key), value }))
      .to('out', { keySerde: str, valueSerde: long });
  }),
  topology(
    'merge-two-sources',
    [
      ['left', 'int'],
      ['right', 'int'],
    ],
    (builder) => {
      const left = builder.stream<string, Int>('left', { keySerde: str, valueSerde: int });
      const right = builder.stream<string, Int>('right', { keySerde: str, valueSerde: int });
      left
        .mapValues((v): Int => (v === null ? null : v + 1000))
        .merge(right)
        .to('out', { keySerde: str, valueSerde: int });
    },
  ),
];
