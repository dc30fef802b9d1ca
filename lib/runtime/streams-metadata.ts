import { InvalidStateStoreException, StreamsException } from '../errors.ts';
import type { PartitionerArgs } from 'kafkajs';
import { kafkajs } from '../kafka/kafkajs.ts';
import { compareTopicPartitions, type TopicPartition } from '../kafka/topic-partition.ts';
import type { Serde } from '../serdes/serde.ts';
import { SessionWindowedSerde } from '../windows/session-windowed-serde.ts';
import { TimeWindowedSerde } from '../windows/time-windowed-serde.ts';
import type { TopologyGraph } from '../topology/internal/topology-graph.ts';
import type { SubTopology, TopologyPlan } from '../topology/internal/topology-plan.ts';
import type { AssignmentInfo, ClientMetadata } from './assignor/assignment-info.ts';
import { taskId, taskLayout, type SubTopologyTopics, type TaskLayout } from './assignor/task-layout.ts';

/** Where an instance serves interactive queries: its `applicationServer`. */
export interface HostInfo {
  /** The host name or IP address (an IPv6 one in brackets), as in Kafka Streams' `HostInfo.host()`. */
  readonly host: string;
  /** The port, 1 to 65535, as in Kafka Streams' `HostInfo.port()`. */
  readonly port: number;
}

/** One instance of the application and what it hosts (Kafka Streams' StreamsMetadata). */
export interface StreamsMetadata {
  /** Where the instance serves interactive queries, as Kafka Streams' `StreamsMetadata.hostInfo()`. */
  readonly hostInfo: HostInfo;
  /** The stores of its active tasks, sorted, global stores left out, as `StreamsMetadata.stateStoreNames()`. */
  readonly stateStoreNames: readonly string[];
  /** The source partitions of its active tasks, as `StreamsMetadata.topicPartitions()`. */
  readonly topicPartitions: readonly TopicPartition[];
  /** The stores it keeps standby replicas of, sorted, as `StreamsMetadata.standbyStateStoreNames()`. */
  readonly standbyStateStoreNames: readonly string[];
  /** The source partitions of its standby tasks, as `StreamsMetadata.standbyTopicPartitions()`. */
  readonly standbyTopicPartitions: readonly TopicPartition[];
}

/** Which instance to ask for a key of a store (Kafka Streams' KeyQueryMetadata). */
export interface KeyQueryMetadata {
  /** The instance whose active task holds the key (this instance, for a global store), as `KeyQueryMetadata.activeHost()`. */
  readonly activeHost: HostInfo;
  /** The instances with a standby replica of that task, which may be behind; empty for a global store. */
  readonly standbyHosts: readonly HostInfo[];
  /** The partition the key belongs to, as the producer's default partitioner computes it; -1 for a global store. */
  readonly partition: number;
}

/** Reads `host:port`; throws, saying what is wrong, for anything else. */
export function parseHostInfo(server: string): HostInfo {
  const match = /^([^\s:/]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/.exec(server);
  const port = match ? Number(match[2]) : NaN;
  if (!match || port < 1 || port > 65_535) {
    throw new StreamsException(`applicationServer must be host:port (the address this instance serves queries at), e.g. 'localhost:8080'; got '${server}'`);
  }
  return { host: match[1]!, port };
}

// Made on first use: importing this library loads no kafkajs.
let defaultPartitioner: ((args: PartitionerArgs) => number) | undefined;
const keyPartitioner = (args: PartitionerArgs): number => (defaultPartitioner ??= kafkajs().Partitioners.DefaultPartitioner())(args);

/**
 * Who hosts which task, as the last assignment told this instance (Kafka Streams'
 * StreamsMetadataState): answers the metadata queries that route an interactive query to the
 * instance owning a key.
 */
export class StreamsMetadataState {
  private clients: readonly ClientMetadata[] = [];
  private layout = new Map<string, TaskLayout>();

  constructor(
    private readonly graph: TopologyGraph,
    private readonly plan: TopologyPlan,
    private readonly subTopologyTopics: readonly SubTopologyTopics[],
    private readonly resolveTopic: (topic: string) => string,
    private readonly partitionCount: (topic: string) => number | undefined,
    private readonly defaultKeySerde: Serde<unknown> | undefined,
  ) {}

  update(info: AssignmentInfo): void {
    this.clients = info.clients;
    this.layout = taskLayout(this.subTopologyTopics, this.partitionCount);
  }

  /** Every instance that serves queries (has an applicationServer), with what it hosts. */
  allMetadata(): StreamsMetadata[] {
    return this.clients.flatMap((client) => (client.applicationServer ? [this.metadataOf(client, client.applicationServer)] : []));
  }

  /** The instances hosting the store: a task of it as active or standby (every instance, for a global store). */
  metadataForStore(storeName: string): StreamsMetadata[] {
    const registration = this.assertStore(storeName);
    const all = this.allMetadata();
    if (registration.global) return all;
    return all.filter((metadata) => metadata.stateStoreNames.includes(storeName) || metadata.standbyStateStoreNames.includes(storeName));
  }

  /**
   * The instance whose active task has the key, the ones with a standby of it, and its partition;
   * undefined while no assignment is known or no instance with an applicationServer has it.
   */
  keyQueryMetadata<K>(storeName: string, key: K, keySerde?: Serde<K>, local?: HostInfo): KeyQueryMetadata | undefined {
    const registration = this.assertStore(storeName);
    if (registration.global) return local ? { activeHost: local, standbyHosts: [], partition: -1 } : undefined;
    const sub = this.subTopologyOf(storeName);
    const topics = sub.sourceTopics.map(this.resolveTopic).map((topic) => ({ topic, count: this.partitionCount(topic) ?? 0 }));
    const widest = topics.reduce((a, b) => (b.count > a.count ? b : a));
    if (widest.count === 0) return undefined;
    // A windowed store is keyed by window, its input (and so its partition) by the plain key.
    const storeKeySerde = registration.builder.keySerde;
    const plainKeySerde = storeKeySerde instanceof TimeWindowedSerde || storeKeySerde instanceof SessionWindowedSerde ? storeKeySerde.inner : storeKeySerde;
    const serde = (keySerde ?? plainKeySerde ?? this.defaultKeySerde) as Serde<K> | undefined;
    if (!serde)
      throw new StreamsException(`Store ${storeName} has no key serde to find a key's partition with; pass one to queryMetadataForKey(store, key, keySerde)`);
    const bytes = serde.serialize(widest.topic, key);
    if (bytes === null) throw new StreamsException(`The key serde of store ${storeName} wrote no bytes for the key; a null key has no partition`);
    const partition = keyPartitioner({ topic: widest.topic, partitionMetadata: partitionMetadata(widest.count), message: { key: bytes, value: null } });
    const task = taskId(sub.id, partition);
    const hostOf = (client: ClientMetadata) => (client.applicationServer ? [parseHostInfo(client.applicationServer)] : []);
    const active = this.clients.find((client) => client.activeTasks.includes(task));
    if (!active?.applicationServer) return undefined;
    return {
      activeHost: parseHostInfo(active.applicationServer),
      standbyHosts: this.clients.filter((client) => client.standbyTasks.includes(task)).flatMap(hostOf),
      partition,
    };
  }

  private metadataOf(client: ClientMetadata, server: string): StreamsMetadata {
    const of = (tasks: readonly string[]) => {
      const layouts = tasks.flatMap((id) => this.layout.get(id) ?? []);
      const subs = new Set(layouts.map((task) => task.subTopology));
      const stores = this.plan.subTopologies
        .filter((sub) => subs.has(sub.id))
        .flatMap((sub) => sub.stores.filter((name) => !this.graph.stores.get(name)!.global));
      return { stores: [...new Set(stores)].sort(), partitions: layouts.flatMap((task) => task.sourcePartitions).sort(compareTopicPartitions) };
    };
    const active = of(client.activeTasks);
    const standby = of(client.standbyTasks);
    return {
      hostInfo: parseHostInfo(server),
      stateStoreNames: active.stores,
      topicPartitions: active.partitions,
      standbyStateStoreNames: standby.stores,
      standbyTopicPartitions: standby.partitions,
    };
  }

  private assertStore(storeName: string) {
    const registration = this.graph.stores.get(storeName);
    if (!registration)
      throw new InvalidStateStoreException(`No state store named ${storeName}; the topology has [${[...this.graph.stores.keys()].join(', ')}]`);
    return registration;
  }

  private subTopologyOf(storeName: string): SubTopology {
    return this.plan.subTopologies.find((sub) => sub.stores.includes(storeName))!;
  }
}

function partitionMetadata(count: number) {
  return Array.from({ length: count }, (_, partitionId) => ({ partitionId, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] }));
}
