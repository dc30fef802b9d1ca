import { expect } from 'chai';
import { Serdes, StreamsBuilder } from '../../lib/index.ts';
import { TopologyTestDriver } from '../../lib/testing/index.ts';

const str = Serdes.String();

// The KTable-KTable join table from Kafka Streams' documentation (Joining > KTable-KTable
// Equi-Join): left and right updates for one key, and what inner, left and outer joins emit.
describe('KTable.join / leftJoin / outerJoin', () => {
  function run(kind: 'join' | 'leftJoin' | 'outerJoin') {
    const builder = new StreamsBuilder();
    const left = builder.table<string, string>('left', { keySerde: str, valueSerde: str });
    const right = builder.table<string, string>('right', { keySerde: str, valueSerde: str });
    const joiner = (l: string | null, r: string | null) => `[${l}, ${r}]`;
    (
      left[kind] as (
        other: typeof right,
        joiner: (l: string | null, r: string | null) => string,
        materialized: { storeName: string },
      ) => ReturnType<typeof left.join>
    )
      .call(left, right, joiner, { storeName: 'joined' })
      .toStream()
      .to('out', { keySerde: str, valueSerde: str });
    const driver = new TopologyTestDriver(builder.build(), {}, 0);
    const l = driver.createInputTopic('left', str, str);
    const r = driver.createInputTopic('right', str, str);
    const out = driver.createOutputTopic('out', str, str);
    const steps: [typeof l, string | null][] = [
      [l, null],
      [r, null],
      [l, 'A'],
      [r, 'a'],
      [l, 'B'],
      [r, 'b'],
      [l, null],
      [r, null],
      [l, 'C'],
      [r, 'c'],
      [r, null],
      [l, null],
      [r, null],
      [r, 'd'],
      [l, 'D'],
    ];
    const emitted: (string | null)[][] = [];
    for (const [topic, value] of steps) {
      topic.pipeInput('k', value as string);
      emitted.push(out.readValuesToList());
    }
    return { emitted, driver };
  }

  it('inner join emits when both sides have a row, and a delete when one side goes', () => {
    const { emitted, driver } = run('join');
    expect(emitted).to.deep.equal([[], [], [], ['[A, a]'], ['[B, a]'], ['[B, b]'], [null], [], [], ['[C, c]'], [null], [], [], [], ['[D, d]']]);
    expect(driver.getKeyValueStore<string, string>('joined').get('k')).to.equal('[D, d]');
  });

  it('left join emits for every left row, with null for a missing right row', () => {
    const { emitted } = run('leftJoin');
    expect(emitted).to.deep.equal([
      [],
      [],
      ['[A, null]'],
      ['[A, a]'],
      ['[B, a]'],
      ['[B, b]'],
      [null],
      [],
      ['[C, null]'],
      ['[C, c]'],
      ['[C, null]'],
      [null],
      [],
      [],
      ['[D, d]'],
    ]);
  });

  it('outer join emits for a row on either side', () => {
    const { emitted } = run('outerJoin');
    expect(emitted).to.deep.equal([
      [],
      [],
      ['[A, null]'],
      ['[A, a]'],
      ['[B, a]'],
      ['[B, b]'],
      ['[null, b]'],
      [null],
      ['[C, null]'],
      ['[C, c]'],
      ['[C, null]'],
      [null],
      [],
      ['[null, d]'],
      ['[D, d]'],
    ]);
  });
});

// Minimal cases from issue 14, with the outputs of Kafka Streams 4.1.2's TopologyTestDriver.
describe('KTable.join / leftJoin / outerJoin against Kafka Streams, record for record', () => {
  const int = Serdes.Int();
  type Input = ['tleft' | 'tright', string, number | null, number];

  /** Pipes the inputs through inner, left and outer joins; returns `key=value@timestamp` per join. */
  function joins(inputs: Input[]) {
    const builder = new StreamsBuilder();
    const left = builder.table<string, number>('tleft', { keySerde: str, valueSerde: int });
    const right = builder.table<string, number>('tright', { keySerde: str, valueSerde: int });
    const joiner = (l: number | null, r: number | null) => `${l}/${r}`;
    left.join(right, joiner).toStream().to('inner', { keySerde: str, valueSerde: str });
    left.leftJoin(right, joiner).toStream().to('left', { keySerde: str, valueSerde: str });
    left.outerJoin(right, joiner).toStream().to('outer', { keySerde: str, valueSerde: str });
    const driver = new TopologyTestDriver(builder.build(), {}, 0);
    for (const [topic, key, value, timestamp] of inputs) driver.createInputTopic(topic, str, int).pipeInput(key, value as number, timestamp);
    const read = (topic: string) =>
      driver
        .createOutputTopic(topic, str, str)
        .readRecordsToList()
        .map((r) => `${r.key}=${r.value}@${r.timestamp}`);
    return { inner: read('inner'), left: read('left'), outer: read('outer') };
  }

  it("stamps a result with the later of the two rows' timestamps (R2)", () => {
    expect(
      joins([
        ['tleft', 'a', 1, 5000],
        ['tright', 'a', 2, 1000],
        ['tleft', 'a', 3, 500],
      ]),
    ).to.deep.equal({
      inner: ['a=1/2@5000', 'a=3/2@1000'],
      left: ['a=1/null@5000', 'a=1/2@5000', 'a=3/2@1000'],
      outer: ['a=1/null@5000', 'a=1/2@5000', 'a=3/2@1000'],
    });
  });

  it('forwards a tombstone for a key the updated side never had while the other side has it (R5)', () => {
    expect(
      joins([
        ['tleft', 'a', 1, 0],
        ['tright', 'b', 2, 0],
        ['tleft', 'b', null, 3000],
        ['tleft', 'c', 3, 0],
        ['tright', 'c', null, 5000],
      ]),
    ).to.deep.equal({
      inner: ['b=null@3000', 'c=null@5000'],
      left: ['a=1/null@0', 'b=null@3000', 'c=3/null@0', 'c=3/null@5000'],
      outer: ['a=1/null@0', 'b=null/2@0', 'b=null/2@3000', 'c=3/null@0', 'c=3/null@5000'],
    });
  });
});
