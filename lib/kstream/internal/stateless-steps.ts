import type { KeyValue } from '../../processor/record.ts';
import { withFieldsForm } from '../../task/record-operator.ts';
import type { NodeImplementation } from '../../topology/internal/node-defs.ts';
import { selfGuardedStep } from './record-step.ts';

// The stateless KStream operators. Each builds a new record object field by field rather than
// with a spread, and catches its own errors (selfGuardedStep): this is the per-record hot path.
// Each also has a fields form (withFieldsForm), the same step taking and emitting a record's
// fields, so that a line of them (up to the sink) builds no record object in between.

export function filterStep<K, V>(predicate: (key: K, value: V) => boolean, negate: boolean): NodeImplementation {
  return selfGuardedStep<K, V, K, V>((node) =>
    withFieldsForm(
      (record, out) => {
        try {
          if (!predicate(record.key, record.value) === negate) out.next(record);
        } catch (error) {
          node.error(error);
        }
      },
      {
        emitsFields: true,
        run: (key, value, timestamp, headers, out) => {
          try {
            if (!predicate(key as K, value as V) === negate) out.fields(key, value, timestamp, headers);
          } catch (error) {
            node.error(error);
          }
        },
      },
    ),
  );
}

export function mapValuesStep<K, V, VR>(mapper: (value: V, key: K) => VR): NodeImplementation {
  return selfGuardedStep<K, V, K, VR>((node) =>
    withFieldsForm(
      (r, out) => {
        try {
          out.next({ key: r.key, value: mapper(r.value, r.key), timestamp: r.timestamp, headers: r.headers });
        } catch (error) {
          node.error(error);
        }
      },
      {
        emitsFields: true,
        run: (key, value, timestamp, headers, out) => {
          try {
            out.fields(key, mapper(value as V, key as K), timestamp, headers);
          } catch (error) {
            node.error(error);
          }
        },
      },
    ),
  );
}

export function mapStep<K, V, KR, VR>(mapper: (key: K, value: V) => KeyValue<KR, VR>): NodeImplementation {
  const checked = (key: K, value: V): KeyValue<KR, VR> => {
    const pair = mapper(key, value);
    if (pair === null || typeof pair !== 'object' || !('key' in pair)) {
      throw new TypeError(`map must return a { key, value } object, got ${pair === null ? 'null' : typeof pair}`);
    }
    return pair;
  };
  return selfGuardedStep<K, V, KR, VR>((node) =>
    withFieldsForm(
      (r, out) => {
        try {
          const pair = checked(r.key, r.value);
          out.next({ key: pair.key, value: pair.value, timestamp: r.timestamp, headers: r.headers });
        } catch (error) {
          node.error(error);
        }
      },
      {
        emitsFields: true,
        run: (key, value, timestamp, headers, out) => {
          try {
            const pair = checked(key as K, value as V);
            out.fields(pair.key, pair.value, timestamp, headers);
          } catch (error) {
            node.error(error);
          }
        },
      },
    ),
  );
}

export function flatMapStep<K, V, KR, VR>(mapper: (key: K, value: V) => Iterable<KeyValue<KR, VR>>): NodeImplementation {
  const checked = (key: K, value: V): Iterable<KeyValue<KR, VR>> => {
    const pairs = mapper(key, value);
    if (pairs === null || pairs === undefined || typeof (pairs as Iterable<unknown>)[Symbol.iterator] !== 'function') {
      throw new TypeError('flatMap must return an iterable of { key, value } objects');
    }
    return pairs;
  };
  return selfGuardedStep<K, V, KR, VR>((node) =>
    withFieldsForm(
      (r, out) => {
        try {
          for (const pair of checked(r.key, r.value)) out.next({ key: pair.key, value: pair.value, timestamp: r.timestamp, headers: r.headers });
        } catch (error) {
          node.error(error);
        }
      },
      {
        emitsFields: true,
        run: (key, value, timestamp, headers, out) => {
          try {
            for (const pair of checked(key as K, value as V)) out.fields(pair.key, pair.value, timestamp, headers);
          } catch (error) {
            node.error(error);
          }
        },
      },
    ),
  );
}

export function flatMapValuesStep<K, V, VR>(mapper: (value: V, key: K) => Iterable<VR>): NodeImplementation {
  const checked = (value: V, key: K): Iterable<VR> => {
    const values = mapper(value, key);
    if (values === null || values === undefined || typeof (values as Iterable<unknown>)[Symbol.iterator] !== 'function') {
      throw new TypeError('flatMapValues must return an iterable of values');
    }
    return values;
  };
  return selfGuardedStep<K, V, K, VR>((node) =>
    withFieldsForm(
      (r, out) => {
        try {
          for (const value of checked(r.value, r.key)) out.next({ key: r.key, value, timestamp: r.timestamp, headers: r.headers });
        } catch (error) {
          node.error(error);
        }
      },
      {
        emitsFields: true,
        run: (key, value, timestamp, headers, out) => {
          try {
            for (const each of checked(value as V, key as K)) out.fields(key, each, timestamp, headers);
          } catch (error) {
            node.error(error);
          }
        },
      },
    ),
  );
}

export function selectKeyStep<K, V, KR>(selector: (key: K, value: V) => KR): NodeImplementation {
  return selfGuardedStep<K, V, KR, V>((node) =>
    withFieldsForm(
      (r, out) => {
        try {
          out.next({ key: selector(r.key, r.value), value: r.value, timestamp: r.timestamp, headers: r.headers });
        } catch (error) {
          node.error(error);
        }
      },
      {
        emitsFields: true,
        run: (key, value, timestamp, headers, out) => {
          try {
            out.fields(selector(key as K, value as V), value, timestamp, headers);
          } catch (error) {
            node.error(error);
          }
        },
      },
    ),
  );
}

/** peek when the node has children, foreach when it has none: the action runs either way. */
export function peekStep<K, V>(action: (key: K, value: V) => void): NodeImplementation {
  return selfGuardedStep<K, V, K, V>((node) =>
    withFieldsForm(
      (record, out) => {
        try {
          action(record.key, record.value);
          out.next(record);
        } catch (error) {
          node.error(error);
        }
      },
      {
        emitsFields: true,
        run: (key, value, timestamp, headers, out) => {
          try {
            action(key as K, value as V);
            out.fields(key, value, timestamp, headers);
          } catch (error) {
            node.error(error);
          }
        },
      },
    ),
  );
}

/** Passes records on untouched: merge points, branch children, repartition sources. */
export const passThroughStep: NodeImplementation = { type: 'operator', create: () => (source) => source };
