/**
 * Kafka Streams prints a source's topics and a processor's stores from a Java `HashSet`, so their
 * order is Java's: by bucket of `String.hashCode()`, then insertion order. Reproduced here so that
 * `describe()` output can be compared with Kafka's line by line.
 */
export function javaHashSetOrder(values: readonly string[]): string[] {
  const unique = [...new Set(values)];
  let capacity = 16;
  while (unique.length > capacity * 0.75) capacity *= 2;
  const bucket = (value: string): number => {
    let hash = 0;
    for (let i = 0; i < value.length; i++) hash = (Math.imul(hash, 31) + value.charCodeAt(i)) | 0;
    return (hash ^ (hash >>> 16)) & (capacity - 1);
  };
  // Array.prototype.sort is stable, so values in one bucket keep their insertion order.
  return unique
    .map((value) => ({ value, bucket: bucket(value) }))
    .sort((a, b) => a.bucket - b.bucket)
    .map((entry) => entry.value);
}
