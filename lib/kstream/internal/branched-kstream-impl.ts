import { StreamsException } from '../../errors.ts';
import type { BranchedKStream } from '../branched-kstream.ts';
import type { KStream } from '../kstream.ts';
import { branchProcessor, type BranchRoute } from './branch-processor.ts';
import { KStreamImpl } from './kstream-impl.ts';
import { passThroughStep } from './stateless-steps.ts';

/** split(): one splitter node; each branch is a pass-through child named `<splitter><name|position>`. */
export class BranchedKStreamImpl<K, V> implements BranchedKStream<K, V> {
  private readonly splitterName: string;
  private readonly routes: BranchRoute<K, V>[] = [];
  private readonly branches: Record<string, KStream<K, V>> = {};
  private defaultChild: string | undefined;
  private finished = false;

  constructor(
    private readonly source: KStreamImpl<K, V>,
    prefix: string | undefined,
  ) {
    this.splitterName = source.builder.nameOrGenerate(prefix, 'KSTREAM-BRANCH-');
    source.builder.graph.addProcessor({
      kind: 'processor',
      name: this.splitterName,
      parents: [source.nodeName],
      children: [],
      stores: new Set(),
      implementation: { type: 'processor', supplier: branchProcessor(this.routes, () => this.defaultChild) as never },
    });
  }

  branch(predicate: (key: K, value: V) => boolean, name?: string): BranchedKStream<K, V> {
    const childName = this.addChild(name ?? String(this.routes.length + 1));
    this.routes.push({ predicate, childName });
    return this;
  }

  defaultBranch(name?: string): Record<string, KStream<K, V>> {
    this.defaultChild = this.addChild(name ?? '0');
    this.finished = true;
    return this.branches;
  }

  noDefaultBranch(): Record<string, KStream<K, V>> {
    this.assertOpen();
    this.finished = true;
    return this.branches;
  }

  private addChild(suffix: string): string {
    this.assertOpen();
    const { builder } = this.source;
    const childName = this.splitterName + suffix;
    builder.newProcessorName('KSTREAM-BRANCH-');
    builder.addProcessor(childName, [this.splitterName], passThroughStep);
    this.branches[childName] = new KStreamImpl<K, V>(builder, childName, this.source.serdes, this.source.repartitionRequired);
    return childName;
  }

  private assertOpen(): void {
    if (this.finished) throw new StreamsException(`split ${this.splitterName} is already finished by defaultBranch() or noDefaultBranch()`);
  }
}
