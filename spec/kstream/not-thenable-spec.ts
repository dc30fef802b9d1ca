import { expect } from 'chai';
import { StreamsBuilder, TimeWindows } from '../../lib/index.ts';

// An object with a then() method is taken for a promise: `await stream` (easy to write by mistake
// in an async set-up function) would call it and never settle.
describe('DSL objects are not thenables', () => {
  it('await of a KStream, KTable, grouped or windowed stream, or GlobalKTable gives the object back at once', async () => {
    const builder = new StreamsBuilder();
    const stream = builder.stream<string, string>('words');
    const grouped = stream.groupByKey();
    const objects: Record<string, object> = {
      KStream: stream,
      KGroupedStream: grouped,
      TimeWindowedKStream: grouped.windowedBy(TimeWindows.ofSizeWithNoGrace(1000)),
      KTable: builder.table<string, string>('users'),
      GlobalKTable: builder.globalTable<string, string>('countries'),
    };
    for (const [kind, object] of Object.entries(objects)) {
      expect('then' in object, `${kind} has a then member`).to.equal(false);
      const settled = await Promise.race([(async () => await object)(), new Promise((resolve) => setTimeout(() => resolve('not settled'), 200))]);
      expect(settled, kind).to.equal(object);
    }
  });
});
