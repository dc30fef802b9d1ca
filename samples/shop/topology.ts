import { StreamsBuilder, Serdes, type Topology } from '../../lib/index.ts';

/** An order as it arrives on the `orders` topic (JSON). */
export interface Order {
  order_id: string;
  customer_id: string;
  item: string;
  quantity: number;
  price: number;
}

/** A delivery update on the `deliveries` topic (JSON), keyed by order id like the orders. */
export interface Delivery {
  order_id: string;
  delivery_id: string;
  status: string;
}

/** An order with its delivery status attached, on the `order-status` topic. */
export interface OrderStatus extends Order {
  status: string;
}

/**
 * The online shop of the seed note: orders re-keyed by item, quantities summed per item into the
 * `item-quantity` store, and every new running total written to the `item-quantity` topic; and
 * each order joined with the deliveries table (both keyed by order id, so no repartition) to
 * attach its delivery status on the `order-status` topic. A stream-table join takes no window.
 */
export function buildShopTopology(): Topology {
  const builder = new StreamsBuilder();
  const orders = builder.stream<string, Order>('orders', { keySerde: Serdes.String(), valueSerde: Serdes.Json<Order>() });
  const deliveries = builder.table<string, Delivery>(
    'deliveries',
    { keySerde: Serdes.String(), valueSerde: Serdes.Json<Delivery>() },
    { storeName: 'deliveries' },
  );
  orders
    .leftJoin(deliveries, (order, delivery): OrderStatus => ({ ...order, status: delivery?.status ?? 'ordered' }))
    .to('order-status', { keySerde: Serdes.String(), valueSerde: Serdes.Json<OrderStatus>() });
  orders
    .selectKey((_key, order) => order.item)
    .mapValues((order) => order.quantity)
    .groupByKey({ keySerde: Serdes.String(), valueSerde: Serdes.Int() })
    .reduce((a, b) => a + b, { storeName: 'item-quantity' })
    .toStream()
    .to('item-quantity', { keySerde: Serdes.String(), valueSerde: Serdes.Int() });
  return builder.build();
}
