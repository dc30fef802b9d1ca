import { expect } from 'chai';
import { Serdes } from '../../lib/index.ts';
import { TopologyTestDriver } from '../../lib/testing/index.ts';
import { buildEnrichmentTopology, type EnrichedOrder, type Order, type Product } from '../../samples/enrichment/topology.ts';

describe('samples/enrichment: orders enriched with their product by a foreign-key join', () => {
  it('joins each order to the product it names, re-enriches on a product update, and deletes an order deleted upstream', () => {
    const driver = new TopologyTestDriver(buildEnrichmentTopology());
    const products = driver.createInputTopic('products', Serdes.String(), Serdes.Json<Product>());
    const orders = driver.createInputTopic('orders-by-id', Serdes.String(), Serdes.Json<Order>());
    const enriched = driver.createOutputTopic('enriched-orders', Serdes.String(), Serdes.Json<EnrichedOrder | null>());

    products.pipeInput('p1', { name: 'laptop', price: 1000 });
    orders.pipeInput('o1', { productId: 'p1', quantity: 2 });
    orders.pipeInput('o2', { productId: 'p-unknown', quantity: 1 });
    expect(enriched.readKeyValuesToList()).to.deep.equal([{ key: 'o1', value: { orderId: 'o1', product: 'laptop', quantity: 2, total: 2000 } }]);

    products.pipeInput('p1', { name: 'laptop', price: 900 });
    expect(enriched.readKeyValuesToList()).to.deep.equal([{ key: 'o1', value: { orderId: 'o1', product: 'laptop', quantity: 2, total: 1800 } }]);

    orders.pipeInput('o1', null as unknown as Order);
    expect(enriched.readKeyValuesToList()).to.deep.equal([{ key: 'o1', value: null }]);
    expect(driver.getKeyValueStore<string, EnrichedOrder>('enriched-orders').get('o1')).to.equal(undefined);
    driver.close();
  });
});
