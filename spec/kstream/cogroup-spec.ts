import { expect } from 'chai';
import { Serdes, StreamsBuilder } from '../../lib/index.ts';
import { TopologyTestDriver } from '../../lib/testing/index.ts';

const str = Serdes.String();
interface Profile {
  clicks: number;
  spent: number;
}

describe('KGroupedStream.cogroup', () => {
  function profiles() {
    const builder = new StreamsBuilder();
    const clicks = builder.stream<string, string>('clicks', { keySerde: str, valueSerde: str }).groupByKey();
    const purchases = builder
      .stream<string, { customer: string; amount: number }>('purchases', { keySerde: str, valueSerde: Serdes.Json<{ customer: string; amount: number }>() })
      .groupBy((_id, purchase) => purchase.customer, { keySerde: str, valueSerde: Serdes.Json<{ customer: string; amount: number }>() });
    clicks
      .cogroup<Profile>((_customer, _page, profile) => ({ ...profile, clicks: profile.clicks + 1 }))
      .cogroup(purchases, (_customer, purchase, profile) => ({ ...profile, spent: profile.spent + purchase.amount }))
      .aggregate(() => ({ clicks: 0, spent: 0 }), { storeName: 'profiles', valueSerde: Serdes.Json<Profile>() })
      .toStream()
      .to('profiles', { keySerde: str, valueSerde: Serdes.Json<Profile>() });
    const driver = new TopologyTestDriver(builder.build(), { applicationId: 'shop' }, 0);
    return {
      driver,
      clicks: driver.createInputTopic('clicks', str, str),
      purchases: driver.createInputTopic('purchases', str, Serdes.Json<{ customer: string; amount: number }>()),
      out: driver.createOutputTopic('profiles', str, Serdes.Json<Profile>()),
    };
  }

  it('folds every cogrouped stream into one aggregate per key, each with its own aggregator', () => {
    const { clicks, purchases, out, driver } = profiles();
    clicks.pipeInput('ada', '/home');
    purchases.pipeInput('p1', { customer: 'ada', amount: 30 });
    clicks.pipeInput('ada', '/cart');
    clicks.pipeInput('bob', '/home');
    expect(out.readKeyValuesToList()).to.deep.equal([
      { key: 'ada', value: { clicks: 1, spent: 0 } },
      { key: 'ada', value: { clicks: 1, spent: 30 } },
      { key: 'ada', value: { clicks: 2, spent: 30 } },
      { key: 'bob', value: { clicks: 1, spent: 0 } },
    ]);
    expect(driver.getKeyValueStore<string, Profile>('profiles').get('ada')).to.deep.equal({ clicks: 2, spent: 30 });
  });

  it('repartitions only the streams whose key changed', () => {
    const { purchases, driver } = profiles();
    purchases.pipeInput('p1', { customer: 'ada', amount: 5 });
    expect([...driver.producedTopicNames()].filter((t) => t.endsWith('-repartition'))).to.have.length(1);
  });
});
