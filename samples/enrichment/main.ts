// Orders enriched with their products by a foreign-key join, on the local broker: npm run sample:enrichment
import { runSample } from '../run-sample.ts';
import { buildEnrichmentTopology } from './topology.ts';

const now = Date.now();
const json = (value: object): string => JSON.stringify(value);

await runSample({
  name: 'enrichment',
  topology: buildEnrichmentTopology(),
  inputs: [
    [
      'products',
      [
        { key: 'p1', value: json({ name: 'laptop', price: 1000 }), timestamp: now },
        { key: 'p2', value: json({ name: 'mouse', price: 20 }), timestamp: now },
      ],
    ],
    [
      'orders-by-id',
      [
        { key: 'o1', value: json({ productId: 'p1', quantity: 1 }), timestamp: now },
        { key: 'o2', value: json({ productId: 'p2', quantity: 3 }), timestamp: now },
        { key: 'o3', value: json({ productId: 'p9', quantity: 1 }), timestamp: now }, // no such product: no output
      ],
    ],
    // A price change re-enriches the order that names the product.
    ['products', [{ key: 'p1', value: json({ name: 'laptop', price: 900 }), timestamp: now + 1 }]],
  ],
  output: 'enriched-orders',
});
