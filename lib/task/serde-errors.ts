import { SerializationException, errorMessage, type ErrorLocation } from '../errors.ts';
import type { Serde } from '../serdes/serde.ts';

function serdeName(serde: Serde<unknown>): string {
  return serde.constructor?.name && serde.constructor.name !== 'Object' ? serde.constructor.name : 'serde';
}

/** Deserializes one side of a record, naming the record and the serde when the bytes do not fit. */
export function deserializeOrThrow(serde: Serde<unknown>, topic: string, bytes: unknown, part: 'key' | 'value', location: () => ErrorLocation): unknown {
  if (bytes !== null && bytes !== undefined && !Buffer.isBuffer(bytes)) {
    throw new SerializationException(`Expected the ${part} as bytes (a Buffer) but got a ${typeof bytes}`, { location: location() });
  }
  try {
    return serde.deserialize(topic, (bytes ?? null) as Buffer | null);
  } catch (error) {
    throw new SerializationException(`Could not deserialize the ${part} with ${serdeName(serde)}: ${errorMessage(error)}`, {
      cause: error,
      location: location(),
    });
  }
}

/** Serializes one side of a record, naming the record and the serde when the data does not fit. */
export function serializeOrThrow(serde: Serde<unknown>, topic: string, data: unknown, part: 'key' | 'value', location: () => ErrorLocation): Buffer | null {
  try {
    return serde.serialize(topic, data);
  } catch (error) {
    throw new SerializationException(`Could not serialize the ${part} for topic ${topic} with ${serdeName(serde)}: ${errorMessage(error)}`, {
      cause: error,
      location: location(),
    });
  }
}
