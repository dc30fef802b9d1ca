import { JoinWindows, StreamsBuilder, type KStream, type KTable } from '../../../../lib/index.ts';
import type { ConformanceTopology, InputKind } from '../conformance-topology.ts';
import { foreignKey, int, joined, str } from './serdes.ts';

type Int = number | null;
const WINDOWS = JoinWindows.ofTimeDifferenceAndGrace(5000, 1000);

function join(
  name: string,
  nullKeys: boolean,
  inputs: [string, InputKind][],
  outputs: string[],
  build: (builder: StreamsBuilder) => void,
): ConformanceTopology {
  return {
    name,
    nullKeys,
    inputs: inputs.map(([topic, kind]) => ({ topic, kind })),
    outputs,
    build() {
      const builder = new StreamsBuilder();
      build(builder);
      return builder.build();
    },
  };
}

function streamStream(kind: 'inner' | 'left' | 'outer') {
  return join(
    `join-stream-stream-${kind}`,
    false,
    [
      ['left', 'int'],
      ['right', 'int'],
    ],
    ['out'],
    (builder) => {
      const left = builder.stream<string, Int>('left', { keySerde: str, valueSerde: int });
      const right = builder.stream<string, Int>('right', { keySerde: str, valueSerde: int });
      const serdes = { keySerde: str, valueSerde: int, otherValueSerde: int };
      const out: KStream<string, string> =
        kind === 'inner'
          ? left.join(right, joined, WINDOWS, serdes)
          : kind === 'left'
            ? left.leftJoin(right, joined, WINDOWS, serdes)
            : left.outerJoin(right, joined, WINDOWS, serdes);
      out.to('out', { keySerde: str, valueSerde: str });
    },
  );
}

function streamTable(leftJoin: boolean) {
  return join(
    `join-stream-table-${leftJoin ? 'left' : 'inner'}`,
    true,
    [
      ['left', 'int'],
      ['tright', 'int'],
    ],
    ['out'],
    (builder) => {
      const left = builder.stream<string, Int>('left', { keySerde: str, valueSerde: int });
      const right = builder.table<string, number>('tright', { keySerde: str, valueSerde: int });
      (leftJoin ? left.leftJoin(right, joined) : left.join(right, joined)).to('out', { keySerde: str, valueSerde: str });
    },
  );
}

function tableTable(kind: 'inner' | 'left' | 'outer') {
  return join(
    `join-table-table-${kind}`,
    true,
    [
      ['tleft', 'int'],
      ['tright', 'int'],
    ],
    ['out'],
    (builder) => {
      const left = builder.table<string, number>('tleft', { keySerde: str, valueSerde: int });
      const right = builder.table<string, number>('tright', { keySerde: str, valueSerde: int });
      const out: KTable<string, string> =
        kind === 'inner' ? left.join(right, joined) : kind === 'left' ? left.leftJoin(right, joined) : left.outerJoin(right, joined);
      out.toStream().to('out', { keySerde: str, valueSerde: str });
    },
  );
}

function foreignKeyJoin(leftJoin: boolean) {
  return join(
    `join-foreign-key-${leftJoin ? 'left' : 'inner'}`,
    true,
    [
      ['tleft', 'fk'],
      ['tright', 'int'],
    ],
    ['out'],
    (builder) => {
      const left = builder.table<string, string>('tleft', { keySerde: str, valueSerde: str });
      const right = builder.table<string, number>('tright', { keySerde: str, valueSerde: int });
      const out: KTable<string, string> = leftJoin ? left.leftJoin(right, foreignKey, joined) : left.join(right, foreignKey, joined);
      out.toStream().to('out', { keySerde: str, valueSerde: str });
    },
  );
}

/** Every join: stream-stream, stream-table, table-table, foreign-key, stream-globalTable. */
export const joinTopologies: ConformanceTopology[] = [
  streamStream('inner'),
  streamStream('left'),
  streamStream('outer'),
  streamTable(false),
  streamTable(true),
  tableTable('inner'),
  tableTable('left'),
  tableTable('outer'),
  foreignKeyJoin(false),
  foreignKeyJoin(true),
  join(
    'join-stream-global-table',
    true,
    [
      ['left', 'int'],
      ['gright', 'int'],
    ],
    ['out-inner', 'out-left'],
    (builder) => {
      const left = builder.stream<string, Int>('left', { keySerde: str, valueSerde: int });
      const global = builder.globalTable<string, number>('gright', { keySerde: str, valueSerde: int });
      left.join(global, (k) => k, joined).to('out-inner', { keySerde: str, valueSerde: str });
      left.leftJoin(global, (k, v) => (v === null ? k : `${k}${v % 2}`), joined).to('out-left', { keySerde: str, valueSerde: str });
    },
  ),
];
