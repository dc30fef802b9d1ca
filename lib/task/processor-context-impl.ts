import type { Fanout } from './fanout.ts';
import { StreamsException } from '../errors.ts';
import type { FixedKeyProcessorContext } from '../processor/fixed-key-processor.ts';
import type { ProcessorContext } from '../processor/processor.ts';
import type { Cancellable, PunctuationType, Punctuator } from '../processor/punctuation.ts';
import type { RecordContext, StreamRecord } from '../processor/record.ts';
import type { StateStore } from '../state/state-store.ts';
import type { TaskNode } from './task-node.ts';

type AnyRecord = StreamRecord<unknown, unknown>;

/**
 * The context of one Processor API node in one task. It serves fixed-key processors too, as Kafka's
 * ProcessorContextImpl does: a FixedKeyRecord is a StreamRecord, and the types keep the key fixed.
 */
export class ProcessorContextImpl<KForward, VForward> implements ProcessorContext<KForward, VForward>, FixedKeyProcessorContext<KForward, VForward> {
  private readonly allChildren: Fanout<AnyRecord>[];

  constructor(
    private readonly node: TaskNode,
    private readonly children: ReadonlyMap<string, Fanout<AnyRecord>>,
  ) {
    this.allChildren = [...children.values()];
  }

  get applicationId(): string {
    return this.node.task.applicationId;
  }

  get taskId(): string {
    return this.node.task.taskId;
  }

  forward<K extends KForward, V extends VForward>(record: StreamRecord<K, V>, childName?: string): void {
    if (childName === undefined) {
      for (const child of this.allChildren) child.next(record);
      return;
    }
    const child = this.children.get(childName);
    if (child === undefined) {
      throw new StreamsException(
        `Unknown downstream node: ${childName} either does not exist or is not connected to processor ${this.node.name}; ` +
          `its children are [${[...this.children.keys()].join(', ')}]`,
        { location: this.node.task.location(this.node.name) },
      );
    }
    child.next(record);
  }

  getStateStore<S extends StateStore>(name: string): S {
    return this.node.store<S>(name);
  }

  schedule(intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable {
    return this.node.task.schedule(this.node.name, intervalMs, type, punctuator);
  }

  recordMetadata(): RecordContext | undefined {
    return this.node.task.current;
  }

  currentStreamTimeMs(): number {
    return this.node.task.streamTime;
  }

  currentSystemTimeMs(): number {
    return this.node.task.options.clock.now();
  }

  commit(): void {
    this.node.task.commitRequested = true;
  }
}
