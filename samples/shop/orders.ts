import type { Order } from './topology.ts';

/** The shop's catalogue: every generated order is for one of these, at its list price. */
export const ITEMS: readonly { readonly item: string; readonly price: number }[] = [
  { item: 'laptop', price: 1000 },
  { item: 'mouse', price: 25 },
  { item: 'keyboard', price: 60 },
  { item: 'monitor', price: 300 },
  { item: 'headset', price: 80 },
];

/**
 * `count` orders, the same ones for the same `seed`: random items from ITEMS, 1 to 5 of each,
 * from 50 customers, with order ids `"1"`, `"2"`, ... (the record key on the `orders` topic).
 */
export function generateOrders(count: number, seed = 1): Order[] {
  const random = mulberry32(seed);
  const orders: Order[] = [];
  for (let i = 1; i <= count; i++) {
    const { item, price } = ITEMS[Math.floor(random() * ITEMS.length)]!;
    orders.push({
      order_id: String(i),
      customer_id: String(1 + Math.floor(random() * 50)),
      item,
      quantity: 1 + Math.floor(random() * 5),
      price,
    });
  }
  return orders;
}

/** A small seeded PRNG (Mulberry32): deterministic across runs and platforms, unlike Math.random. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
