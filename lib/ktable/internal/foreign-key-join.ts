import { createHash } from 'node:crypto';
import type { KeyValueStore } from '../../state/key-value-store.ts';
import type { Serde } from '../../serdes/serde.ts';
import { storeKeyEncoder } from '../../state/internal/store-key.ts';
import { sameKey } from '../../state/internal/same-key.ts';
import { keyComparator } from '../../state/internal/key-order.ts';
import { timestampedStore } from '../../state/timestamped-key-value-store.ts';
import { nodeStep } from '../../kstream/internal/record-step.ts';
import type { NodeContext } from '../../topology/internal/node-context.ts';
import type { Change } from '../change.ts';

// A foreign-key join (Kafka Streams' KIP-213) in three steps: the left table subscribes each row
// to the right row its foreign key names (through a topic keyed by the foreign key), the right
// side answers every subscription of a key when it changes (through a topic keyed by the left
// key), and the left side joins an answer only if the left row is still the one that asked
// (same value hash), so answers that crossed an update are dropped.

/**
 * What the right side does with a subscription (Kafka's SubscriptionWrapper.Instruction): drop it
 * and say nothing, drop it and answer null (the left row's result must go), or keep it and answer
 * with the right row only if there is one, or with the right row or null.
 */
export type SubscriptionInstruction = 'delete-no-propagate' | 'delete-and-propagate' | 'propagate-if-available' | 'propagate-null-if-unavailable';

/** A left row's subscription to a right key. */
export interface Subscription<KL> {
  readonly leftKey: KL;
  /** The hash of the left row's value now (null: the row is deleted), so that a stale answer is dropped. */
  readonly hash: string | null;
  readonly instruction: SubscriptionInstruction;
}

/** The right row's value, sent back to the left row that subscribed with `hash`. */
export interface SubscriptionResponse<VR> {
  readonly rightValue: VR | null;
  readonly hash: string | null;
}

/** A subscription as it is stored on the right side: foreign key and left key together. */
export interface SubscriptionKey<KR, KL> {
  readonly foreignKey: KR;
  readonly leftKey: KL;
}

export function valueHash<V>(value: V, serde: Serde<V> | undefined): string {
  const bytes = serde ? (serde.serialize('fk-join', value) ?? Buffer.alloc(0)) : Buffer.from(String(storeKeyEncoder<unknown>(undefined, 'fk')({ v: value })));
  return createHash('sha1').update(bytes).digest('base64');
}

/**
 * Left side: each left change unsubscribes from its old foreign key and subscribes to its new one,
 * with the instructions of Kafka Streams' SubscriptionSendProcessorSupplier. In an inner join a
 * row that loses its foreign key (or is deleted) has its result deleted through the right side
 * (so the tombstone is stamped with the old right row's time too), and a new row, or one whose
 * foreign key stayed, is answered only if its right row exists. A left join answers every row;
 * one without a foreign key is resolved on the left side (unansweredStep).
 */
export function subscribeStep<KL, VL, KR>(foreignKey: (value: VL) => KR, leftValueSerde: Serde<VL> | undefined, leftJoin: boolean) {
  const present = (fk: KR | null): fk is KR => fk !== null && fk !== undefined;
  return nodeStep<KL, Change<VL>, KR, Subscription<KL>>(() => (record, out) => {
    const { newValue, oldValue } = record.value;
    const oldFk = oldValue === null ? null : foreignKey(oldValue);
    const newFk = newValue === null ? null : foreignKey(newValue);
    const hash = newValue === null ? null : valueHash(newValue, leftValueSerde);
    const send = (fk: KR, instruction: SubscriptionInstruction): void => {
      out.next({ key: fk, value: { leftKey: record.key, hash, instruction }, timestamp: record.timestamp, headers: record.headers });
    };
    const changed = present(oldFk) && !sameKey(oldFk, newFk);
    if (leftJoin) {
      if (changed) send(oldFk, 'delete-no-propagate');
      if (present(newFk)) send(newFk, 'propagate-null-if-unavailable');
      return;
    }
    if (oldValue !== null) {
      if (!present(oldFk)) {
        if (present(newFk)) send(newFk, 'propagate-if-available');
      } else if (!present(newFk)) {
        send(oldFk, 'delete-and-propagate');
      } else if (changed) {
        send(oldFk, 'delete-no-propagate');
        send(newFk, 'propagate-null-if-unavailable');
      } else {
        send(newFk, 'propagate-if-available');
      }
    } else if (present(newFk)) {
      send(newFk, 'propagate-if-available');
    }
  });
}

/**
 * Left side of a left join: a row without a foreign key joins nothing, and is resolved at once:
 * joined with null, or a tombstone when the row is deleted. (Kafka sends it to the right side
 * under a null key, and the answer it gets is this one, at the left row's time.)
 */
export function unansweredStep<KL, VL, KR, VOut>(foreignKey: (value: VL) => KR, joiner: (left: VL, right: null, key: KL) => VOut) {
  return nodeStep<KL, Change<VL>, KL, Change<VOut>>(() => (record, out) => {
    const { newValue, oldValue } = record.value;
    if (newValue === null && oldValue === null) return;
    const newFk = newValue === null ? null : foreignKey(newValue);
    if (newFk !== null && newFk !== undefined) return;
    out.next({
      key: record.key,
      value: { newValue: newValue === null ? null : joiner(newValue, null, record.key), oldValue: null },
      timestamp: record.timestamp,
      headers: record.headers,
    });
  });
}

/** The right side's index of subscriptions by foreign key, shared by its two steps in a task. */
class SubscriptionIndex<KR, KL> {
  private readonly byForeignKey = new Map<unknown, Map<unknown, KL>>();
  private indexed = false;
  private readonly encodeRight: (key: KR) => unknown;
  private readonly encodeLeft: (key: KL) => unknown;

  constructor(
    private readonly store: KeyValueStore<SubscriptionKey<KR, KL>, string>,
    /** Orders subscribers as Kafka's prefix scan of (foreign key, left key) bytes does. */
    private readonly compareLeft: (a: KL, b: KL) => number,
  ) {
    this.encodeRight = storeKeyEncoder<KR>(undefined, 'fk');
    this.encodeLeft = storeKeyEncoder<KL>(undefined, 'fk');
  }

  set(foreignKey: KR, leftKey: KL, hash: string | null): void {
    this.ensure();
    const key: SubscriptionKey<KR, KL> = { foreignKey, leftKey };
    const encoded = this.encodeRight(foreignKey);
    const subscribers = this.byForeignKey.get(encoded) ?? new Map<unknown, KL>();
    if (hash === null) {
      subscribers.delete(this.encodeLeft(leftKey));
      this.store.delete(key);
    } else {
      subscribers.set(this.encodeLeft(leftKey), leftKey);
      this.store.put(key, hash);
    }
    if (subscribers.size === 0) this.byForeignKey.delete(encoded);
    else this.byForeignKey.set(encoded, subscribers);
  }

  /** The left rows subscribed to `foreignKey`, in the order of their keys' serialized bytes. */
  subscribers(foreignKey: KR): { leftKey: KL; hash: string }[] {
    this.ensure();
    const leftKeys = [...(this.byForeignKey.get(this.encodeRight(foreignKey))?.values() ?? [])];
    if (leftKeys.length > 1) leftKeys.sort(this.compareLeft);
    return leftKeys.map((leftKey) => ({ leftKey, hash: this.store.get({ foreignKey, leftKey })! }));
  }

  private ensure(): void {
    if (this.indexed) return;
    this.indexed = true;
    for (const { key } of this.store.all()) {
      const encoded = this.encodeRight(key.foreignKey);
      const subscribers = this.byForeignKey.get(encoded) ?? new Map<unknown, KL>();
      subscribers.set(this.encodeLeft(key.leftKey), key.leftKey);
      this.byForeignKey.set(encoded, subscribers);
    }
  }
}

function index<KR, KL>(node: NodeContext, store: string, leftKeySerde: Serde<KL> | undefined): SubscriptionIndex<KR, KL> {
  return node.task.shared(`fk-subscriptions:${store}`, () => new SubscriptionIndex<KR, KL>(node.store(store), keyComparator(leftKeySerde, store)));
}

/**
 * Right side: records (or drops) a subscription and answers it as its instruction says, with the
 * right row now, stamped with the later of the subscription's and the right row's timestamps
 * (Kafka's SubscriptionReceiveProcessorSupplier and SubscriptionJoinProcessorSupplier).
 */
export function subscriptionStep<KR, KL, VR>(subscriptionStore: string, rightStore: string, leftKeySerde: Serde<KL> | undefined) {
  return nodeStep<KR, Subscription<KL>, KL, SubscriptionResponse<VR>>((node) => {
    const subscriptions = index<KR, KL>(node, subscriptionStore, leftKeySerde);
    const right = timestampedStore(node.store<KeyValueStore<KR, VR>>(rightStore));
    return (record, out) => {
      const { leftKey, hash, instruction } = record.value;
      const deletes = instruction === 'delete-no-propagate' || instruction === 'delete-and-propagate';
      subscriptions.set(record.key, leftKey, deletes ? null : (hash ?? ''));
      if (instruction === 'delete-no-propagate') return;
      const rightValue = right.get(record.key) ?? null;
      if (instruction === 'propagate-if-available' && rightValue === null) return;
      const timestamp = rightValue === null ? record.timestamp : Math.max(record.timestamp, right.timestampOf(record.key) ?? record.timestamp);
      out.next({ key: leftKey, value: { rightValue: instruction === 'delete-and-propagate' ? null : rightValue, hash }, timestamp, headers: record.headers });
    };
  });
}

/** Right side: a right row changed; every left row subscribed to it hears of it, in left key order. */
export function rightChangeStep<KR, KL, VR>(subscriptionStore: string, leftKeySerde: Serde<KL> | undefined) {
  return nodeStep<KR, Change<VR>, KL, SubscriptionResponse<VR>>((node) => {
    const subscriptions = index<KR, KL>(node, subscriptionStore, leftKeySerde);
    return (record, out) => {
      for (const { leftKey, hash } of subscriptions.subscribers(record.key)) {
        out.next({ key: leftKey, value: { rightValue: record.value.newValue, hash }, timestamp: record.timestamp, headers: record.headers });
      }
    };
  });
}

/**
 * Left side: joins an answer with the left row, if that row is still the one that subscribed (the
 * same value hash; a deleted row matches an answer sent for its deletion), as Kafka's
 * ResponseJoinProcessorSupplier: no right row means a tombstone, or in a left join the left row
 * joined with null.
 */
export function resolveStep<KL, VL, VR, VOut>(
  leftStore: string,
  joiner: (left: VL, right: VR | null, key: KL) => VOut,
  leftJoin: boolean,
  leftValueSerde: Serde<VL> | undefined,
) {
  return nodeStep<KL, SubscriptionResponse<VR>, KL, Change<VOut>>((node) => {
    const left = node.store<KeyValueStore<KL, VL>>(leftStore);
    return (record, out) => {
      const current = left.get(record.key);
      const currentHash = current === undefined ? null : valueHash(current, leftValueSerde);
      if (currentHash !== record.value.hash) return;
      const { rightValue } = record.value;
      const newValue = current === undefined || (rightValue === null && !leftJoin) ? null : joiner(current, rightValue, record.key);
      out.next({ key: record.key, value: { newValue, oldValue: null }, timestamp: record.timestamp, headers: record.headers });
    };
  });
}

const b64 = (serde: Serde<unknown>, topic: string, value: unknown): string | null => {
  const bytes = value === null ? null : serde.serialize(topic, value);
  return bytes === null ? null : bytes.toString('base64');
};
const fromB64 = <T>(serde: Serde<T>, topic: string, text: string | null): T => serde.deserialize(topic, text === null ? null : Buffer.from(text, 'base64'));

/** A subscription on the registration topic: JSON of the left key's bytes (base64) and the hash. */
export class SubscriptionSerde<KL> implements Serde<Subscription<KL>> {
  constructor(private readonly leftKey: Serde<KL>) {}
  serialize(topic: string, data: Subscription<KL> | null): Buffer | null {
    return data === null
      ? null
      : Buffer.from(JSON.stringify({ l: b64(this.leftKey as Serde<unknown>, topic, data.leftKey), h: data.hash, i: data.instruction }));
  }
  deserialize(topic: string, data: Buffer | null): Subscription<KL> {
    if (data === null) return null as unknown as Subscription<KL>;
    const { l, h, i } = JSON.parse(data.toString()) as { l: string | null; h: string | null; i: SubscriptionInstruction };
    return { leftKey: fromB64(this.leftKey, topic, l), hash: h, instruction: i };
  }
}

/** A response on the response topic: JSON of the right value's bytes (base64) and the hash. */
export class ResponseSerde<VR> implements Serde<SubscriptionResponse<VR>> {
  constructor(private readonly rightValue: Serde<VR>) {}
  serialize(topic: string, data: SubscriptionResponse<VR> | null): Buffer | null {
    return data === null ? null : Buffer.from(JSON.stringify({ r: b64(this.rightValue as Serde<unknown>, topic, data.rightValue), h: data.hash }));
  }
  deserialize(topic: string, data: Buffer | null): SubscriptionResponse<VR> {
    if (data === null) return null as unknown as SubscriptionResponse<VR>;
    const { r, h } = JSON.parse(data.toString()) as { r: string | null; h: string | null };
    return { rightValue: r === null ? null : fromB64(this.rightValue, topic, r), hash: h };
  }
}

/** A stored subscription key: JSON of both keys' bytes (base64). */
export class SubscriptionKeySerde<KR, KL> implements Serde<SubscriptionKey<KR, KL>> {
  constructor(
    private readonly rightKey: Serde<KR>,
    private readonly leftKey: Serde<KL>,
  ) {}
  serialize(topic: string, data: SubscriptionKey<KR, KL> | null): Buffer | null {
    if (data === null) return null;
    return Buffer.from(
      JSON.stringify({ f: b64(this.rightKey as Serde<unknown>, topic, data.foreignKey), l: b64(this.leftKey as Serde<unknown>, topic, data.leftKey) }),
    );
  }
  deserialize(topic: string, data: Buffer | null): SubscriptionKey<KR, KL> {
    if (data === null) return null as unknown as SubscriptionKey<KR, KL>;
    const { f, l } = JSON.parse(data.toString()) as { f: string; l: string };
    return { foreignKey: fromB64(this.rightKey, topic, f), leftKey: fromB64(this.leftKey, topic, l) };
  }
}
