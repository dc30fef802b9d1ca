// kafkajs restarts a crashed consumer (its own restartOnFailure, or a stream thread's restart
// after a broker outage) with a new ConsumerGroup, whose member id is empty: it joins the group
// as a new member. The member it was is still in the group until its session expires (the
// coordinator reloads members with fresh sessions after a broker restart), so the rebalance it
// starts waits up to `sessionTimeout` for that member to rejoin, and its tasks count as lost.
// Java's consumer keeps its member id through such errors. Here a consumer's next ConsumerGroup
// starts with the member id of the one before it, unless that one left the group (a leave that
// got through clears it); a member id the coordinator no longer knows is answered with
// UNKNOWN_MEMBER_ID, on which kafkajs clears it and joins as a new member, as before.

interface ConsumerGroupInstance {
  memberId: string | null;
}

// A mixin's base: TypeScript wants its constructor to take any[] (TS2545).
type ConsumerGroupClass = new (...args: any[]) => ConsumerGroupInstance;

/** Built from kafkajs' `consumer/consumerGroup.js`: its ConsumerGroup, starting with the member id its consumer had. */
export function keepMemberIdAcrossRestarts<C extends ConsumerGroupClass>(ConsumerGroup: C): C {
  // A consumer's cluster is its own and outlives its ConsumerGroups: the key to the one before.
  const previous = new WeakMap<object, ConsumerGroupInstance>();
  return class extends ConsumerGroup {
    constructor(...args: any[]) {
      super(...args);
      const { cluster } = args[0] as { cluster: object };
      const memberId = previous.get(cluster)?.memberId;
      if (memberId) this.memberId = memberId;
      previous.set(cluster, this);
    }
  };
}
