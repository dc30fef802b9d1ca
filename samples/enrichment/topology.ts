// Enrichment with a foreign-key join: each order (keyed by order id) names a product; the
// products table (keyed by product id) adds its name and price. A product's update re-enriches
// every order that names it; an order whose product is unknown yields nothing (inner join).
import { Serdes, StreamsBuilder, type Topology } from '../../lib/index.ts';

export interface Order {
  readonly productId: string;
  readonly quantity: number;
}
export interface Product {
  readonly name: string;
  readonly price: number;
}
export interface EnrichedOrder {
  readonly orderId: string;
  readonly product: string;
  readonly quantity: number;
  readonly total: number;
}

export function buildEnrichmentTopology(topics = { orders: 'orders-by-id', products: 'products', output: 'enriched-orders' }): Topology {
  const builder = new StreamsBuilder();
  const orders = builder.table(topics.orders, { keySerde: Serdes.String(), valueSerde: Serdes.Json<Order>() });
  const products = builder.table(topics.products, { keySerde: Serdes.String(), valueSerde: Serdes.Json<Product>() });
  orders
    .join(
      products,
      (order) => order.productId,
      (order, product, orderId): EnrichedOrder => ({ orderId, product: product.name, quantity: order.quantity, total: order.quantity * product.price }),
      { storeName: 'enriched-orders', keySerde: Serdes.String(), valueSerde: Serdes.Json<EnrichedOrder>() },
    )
    .toStream()
    .to(topics.output, { keySerde: Serdes.String(), valueSerde: Serdes.Json<EnrichedOrder | null>() });
  return builder.build();
}
