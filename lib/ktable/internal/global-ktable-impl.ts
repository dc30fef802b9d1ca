import type { KnownSerdes } from '../../kstream/internal/internal-streams-builder.ts';
import type { GlobalKTable } from '../global-ktable.ts';

export class GlobalKTableImpl<K, V> implements GlobalKTable<K, V> {
  constructor(
    readonly queryableStoreName: string,
    readonly serdes: KnownSerdes<K, V>,
  ) {}
}
