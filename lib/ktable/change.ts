/**
 * An update to a table row, as KTable processors pass it on: the new value and the one it
 * replaced (null for an insert; a null new value is a delete).
 */
export interface Change<V> {
  /** The row's value after the update; null when the update deletes the row. */
  readonly newValue: V | null;
  /** The row's value before the update; null when the row is new, or when the table does not send old values. */
  readonly oldValue: V | null;
}
