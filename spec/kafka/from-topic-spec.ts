import { expect } from 'chai';
import { firstValueFrom, from, lastValueFrom, mergeMap, take, toArray, map } from 'rxjs';
import { Serdes, fromTopic, toTopic } from '../../lib/index.ts';
import { KafkaTestContext } from '../support/kafka-helpers.ts';

describe('fromTopic and toTopic', function () {
  this.timeout(120_000);
  let kafka: KafkaTestContext;

  beforeEach(async () => {
    kafka = await KafkaTestContext.create();
  });

  afterEach(async () => {
    await kafka.close();
  });

  it('writes an Observable to a topic in batches and reads it back as one ordered Observable per partition', async () => {
    const topic = kafka.name('numbers');
    await kafka.createTopic(topic, 3);
    const records = Array.from({ length: 300 }, (_, i) => ({ key: `k${i}`, value: i, partition: i % 3 }));
    const metadata = await lastValueFrom(
      from(records).pipe(toTopic(kafka.kafka, topic, { keySerde: Serdes.String(), valueSerde: Serdes.Int(), maxBatchSize: 100 }), toArray()),
    );
    expect(metadata.length).to.be.greaterThan(0);

    const partitions = await firstValueFrom(
      fromTopic(kafka.kafka, topic, {
        groupId: kafka.name('reader'),
        keySerde: Serdes.String(),
        valueSerde: Serdes.Int(),
        consumer: { maxWaitTimeInMs: 100 },
      }).pipe(
        mergeMap((partition$) =>
          partition$.pipe(
            take(100),
            toArray(),
            map((list) => ({ partition: partition$.key, values: list.map((r) => r.value) })),
          ),
        ),
        take(3),
        toArray(),
      ),
    );
    expect(partitions.map((p) => p.partition).sort()).to.deep.equal([0, 1, 2]);
    for (const { partition, values } of partitions) {
      expect(values).to.deep.equal(records.filter((r) => r.partition === partition).map((r) => r.value));
    }
  });

  it('errors with the record location when bytes do not fit the serde', async () => {
    const topic = kafka.name('bad');
    await kafka.createTopic(topic);
    await kafka.produce(topic, [{ key: 'a', value: Buffer.from([1, 2]) }]);
    const error = await firstValueFrom(
      fromTopic(kafka.kafka, topic, {
        groupId: kafka.name('reader'),
        keySerde: Serdes.String(),
        valueSerde: Serdes.Int(),
        consumer: { maxWaitTimeInMs: 100 },
      }).pipe(mergeMap((p) => p)),
    ).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.name).to.equal('SerializationException');
    expect(error?.message).to.contain(`topic ${topic} partition 0 offset 0`);
  });
});
