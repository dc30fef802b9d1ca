/**
 * An update to a table row, as KTable processors pass it on: the new value and the one it
 * replaced (null for an insert; a null new value is a delete).
 */
export interface Change<V> {
  readonly newValue: V | null;
  readonly oldValue: V | null;
}
