import { StreamsBuilder, Serdes, type Topology } from '../../lib/index.ts';

/** An order as it arrives on the `orders` topic (JSON). */
export interface Order {
  order_id: string;
  customer_id: string;
  item: string;
  quantity: number;
  price: number;
}

/**
 * The online shop of the seed note: orders re-keyed by item, quantities summed per item into the
 * `item-quantity` store, and every new running total written to the `item-quantity` topic.
 */
export function buildShopTopology(): Topology {
  const builder = new StreamsBuilder();
  builder
    .stream<string, Order>('orders', { keySerde: Serdes.String(), valueSerde: Serdes.Json<Order>() })
    .selectKey((_key, order) => order.item)
    .mapValues((order) => order.quantity)
    .groupByKey({ keySerde: Serdes.String(), valueSerde: Serdes.Int() })
    .reduce((a, b) => a + b, { storeName: 'item-quantity' })
    .toStream()
    .to('item-quantity', { keySerde: Serdes.String(), valueSerde: Serdes.Int() });
  return builder.build();
}
