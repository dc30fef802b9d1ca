import { expect } from 'chai';
import { compareTaskIds, subTopologyOf } from '../../../lib/runtime/assignor/task-ids.ts';

describe('compareTaskIds', () => {
  it('orders by sub-topology, then partition, both as numbers', () => {
    expect(compareTaskIds('0_2', '0_10')).to.be.below(0);
    expect(compareTaskIds('0_10', '1_0')).to.be.below(0);
    expect(compareTaskIds('10_0', '9_5')).to.be.above(0);
    expect(['1_0', '0_10', '10_1', '0_2', '2_0'].sort(compareTaskIds)).to.deep.equal(['0_2', '0_10', '1_0', '2_0', '10_1']);
  });

  it('says equal ids are equal', () => {
    expect(compareTaskIds('3_7', '3_7')).to.equal(0);
  });

  it('puts ids not of the form <subTopology>_<partition> last, in string order, so sorting stays total', () => {
    expect(['b', '0_10', 'a_1', '0_2'].sort(compareTaskIds)).to.deep.equal(['0_2', '0_10', 'a_1', 'b']);
    expect(compareTaskIds('x', '0_0')).to.be.above(0);
  });
});

describe('subTopologyOf', () => {
  it('is the part before the underscore', () => {
    expect(subTopologyOf('12_3')).to.equal('12');
    expect(subTopologyOf('7')).to.equal('7');
  });
});
