import type { ConformanceTopology } from './conformance-topology.ts';
import { aggregationTopologies } from './catalogue/aggregations.ts';
import { joinTopologies } from './catalogue/joins.ts';
import { namingTopologies } from './catalogue/naming.ts';
import { nullKeyTopologies } from './catalogue/null-keys.ts';
import { processorTopologies } from './catalogue/processors.ts';
import { statelessTopologies } from './catalogue/stateless.ts';
import { tableTopologies } from './catalogue/tables.ts';
import { windowTopologies } from './catalogue/windows.ts';

/** Every topology of the differential suite; conformance/java/ builds the same names. */
export const CATALOGUE: readonly ConformanceTopology[] = [
  ...statelessTopologies,
  ...aggregationTopologies,
  ...windowTopologies,
  ...joinTopologies,
  ...tableTopologies,
  ...processorTopologies,
  ...nullKeyTopologies,
  ...namingTopologies,
];
