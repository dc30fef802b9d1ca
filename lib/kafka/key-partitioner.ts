import { randomBytes } from 'node:crypto';

// kafkajs' DefaultPartitioner is Java's (murmur2 of the key, positive, modulo the partitions),
// but computes murmur2 through a 64-bit Long class, two Longs per four bytes of key, and filters
// the topic's partitions for available ones before it looks at the message. Every record a sink
// sends without a partition goes through it: 10 % of the CPU of a windowed count. These are the
// same functions in 32-bit integer arithmetic (Math.imul), the low 32 bits being all kafkajs keeps.

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/** Java's Utils.murmur2 of a key (a string as its UTF-8 bytes), as a signed 32-bit number. */
export function murmur2(key: Buffer | string): number {
  const data = Buffer.isBuffer(key) ? key : Buffer.from(String(key));
  const length = data.length;
  let h = SEED ^ length;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const rest = length & 3; // the last bytes, as Java's switch falls through them
  if (rest >= 3) h ^= data[whole + 2]! << 16;
  if (rest >= 2) h ^= data[whole + 1]! << 8;
  if (rest >= 1) h = Math.imul(h ^ data[whole]!, M);
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

interface PartitionMetadata {
  readonly partitionId: number;
  readonly leader: number;
}

interface PartitionerArgs {
  readonly topic: string;
  readonly partitionMetadata: readonly PartitionMetadata[];
  readonly message: { readonly partition?: number | null; readonly key?: Buffer | string | null };
}

const toPositive = (x: number): number => x & 0x7fffffff;

/**
 * The replacement of kafkajs' `producer/partitioners/legacy/partitioner.js` (which both its
 * default and legacy partitioners are made with): the message's partition if it names one, else
 * the key's hash modulo the partitions, else round robin over the partitions with a leader.
 */
export function createPartitioner(hash: (key: Buffer | string) => number): () => (args: PartitionerArgs) => number {
  return () => {
    const counters = new Map<string, number>();
    const next = (topic: string): number => {
      const counter = (counters.get(topic) ?? randomBytes(4).readUInt32BE(0)) + 1;
      counters.set(topic, counter);
      return toPositive(counter);
    };
    return ({ topic, partitionMetadata, message }) => {
      if (message.partition != null) return message.partition;
      if (message.key != null) return toPositive(hash(message.key)) % partitionMetadata.length;
      const available = partitionMetadata.filter((p) => p.leader >= 0);
      if (available.length > 0) return available[next(topic) % available.length]!.partitionId;
      return next(topic) % partitionMetadata.length; // none available: one that is not
    };
  };
}
