// Plain RxJS over Kafka, no topology: every partition of a topic is an Observable of records;
// each record is upper-cased and written to another topic in batches. Consumed offsets are
// committed by the consumer group as kafkajs does (auto-commit), so a restart resumes.
import type { Kafka } from 'kafkajs';
import { map, mergeMap, type Observable } from 'rxjs';
import type { RecordMetadata } from 'kafkajs';
import { Serdes, fromTopic, toTopic } from '../../lib/index.ts';

export function shout(kafka: Kafka, from: string, to: string, groupId: string): Observable<RecordMetadata[]> {
  return fromTopic(kafka, from, { groupId, keySerde: Serdes.String(), valueSerde: Serdes.String(), fromBeginning: true }).pipe(
    mergeMap((partition) => partition.pipe(map((record) => ({ key: record.key, value: `${record.value.toUpperCase()}!`, timestamp: record.timestamp })))),
    toTopic(kafka, to, { keySerde: Serdes.String(), valueSerde: Serdes.String() }),
  );
}
