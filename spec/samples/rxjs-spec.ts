import { expect } from 'chai';
import type { Subscription } from 'rxjs';
import { shout } from '../../samples/rxjs/shout.ts';
import { KafkaTestContext } from '../support/kafka-helpers.ts';

describe('samples/rxjs: plain RxJS over Kafka with fromTopic and toTopic', function () {
  this.timeout(60_000);
  let kafka: KafkaTestContext;
  let subscription: Subscription | undefined;

  beforeEach(async () => {
    kafka = await KafkaTestContext.create();
  });

  afterEach(async () => {
    subscription?.unsubscribe();
    await kafka.close();
  });

  it('writes every record of every partition upper-cased to the output topic, keys and order per key kept', async () => {
    const [words, shouts] = [kafka.name('words'), kafka.name('shouts')];
    await kafka.createTopic(words, 2);
    await kafka.createTopic(shouts, 2);
    const input = ['a', 'b', 'c', 'd', 'e', 'f'].flatMap((key) => [1, 2].map((n) => ({ key, value: `${key}${n}` })));
    await kafka.produce(words, input);
    subscription = shout(kafka.kafka, words, shouts, kafka.name('shout')).subscribe();
    const output = await kafka.readTopic(shouts, input.length);
    const byKey = (records: { key: string; value: string }[]): Record<string, string[]> => {
      const grouped: Record<string, string[]> = {};
      for (const { key, value } of records) (grouped[key] ??= []).push(value);
      return grouped;
    };
    const read = output.map((record) => ({ key: record.key!.toString(), value: record.value!.toString() }));
    expect(byKey(read)).to.deep.equal(byKey(input.map(({ key, value }) => ({ key, value: `${value.toUpperCase()}!` }))));
  });
});
