import type * as KafkaJS from 'kafkajs';
import { dropAbortedMessages } from './aborted-messages-filter.ts';
import { Batch } from './fetched-batch.ts';
import { groupMessagesPerPartition } from './partition-grouping.ts';
import { commitBeforeRejoining } from './commit-before-rejoining.ts';
import { resendingEndTxn } from './end-transaction-resend.ts';
import { keepMemberIdAcrossRestarts } from './member-id-across-restarts.ts';
import { createPartitioner, murmur2 } from './key-partitioner.ts';
import { bindRecordBatchDecoder, decodeRecordBatch } from './record-batch-decoder.ts';
import { BuiltFromOriginal, loadPrivateCopy, type PrivateModuleCopy } from './private-module-copy.ts';
import { produceRequests, type ProduceRequests } from './produce-request.ts';
import { frameRequest } from './request-frame.ts';

// Every value this library takes from kafkajs comes through kafkajs() (type imports may come from
// 'kafkajs' directly). It is this library's own copy of kafkajs, loaded on first use:
// - with some of its internal modules replaced (REPLACEMENTS, each saying why): the read_committed
//   fix, the linear grouping of produce requests, produce requests and request frames written in
//   one Buffer, record batches decoded in place, a 32-bit murmur2 partitioner, a commit before
//   the consumer joins its group again, EndTxn sent again while the coordinator is away, and a
//   restarted consumer joining as the member it was. Being a private copy, the replacements hold whatever the
//   app imported first, and the app's kafkajs stays as it is;
// - on first use only, so that a program that never talks to a broker (the test driver, a
//   bundle without kafkajs' sources) never loads kafkajs at all.

const REPLACEMENTS = {
  'kafkajs/src/consumer/filterAbortedMessages.js': dropAbortedMessages,
  'kafkajs/src/producer/groupMessagesPerPartition.js': groupMessagesPerPartition,
  // Fetched record batches decoded in place, without a Long or a Decoder per record (record-batch-decoder.ts).
  'kafkajs/src/protocol/recordBatch/v0/decoder.js': decodeRecordBatch,
  // A fetch's records filtered by offset without a Long per record (fetched-batch.ts).
  'kafkajs/src/consumer/batch.js': Batch,
  // Produce requests and every request's frame written in one Buffer (produce-request.ts, request-frame.ts).
  'kafkajs/src/protocol/requests/produce/index.js': new BuiltFromOriginal((stock) => produceRequests(stock as ProduceRequests)),
  'kafkajs/src/protocol/request.js': frameRequest,
  // Java's murmur2 and kafkajs' partitioner in 32-bit arithmetic, same partitions (key-partitioner.ts).
  'kafkajs/src/producer/partitioners/default/murmur2.js': murmur2,
  'kafkajs/src/producer/partitioners/legacy/partitioner.js': createPartitioner,
  // A transaction's EndTxn is sent again while its coordinator cannot be reached (end-transaction-resend.ts).
  'kafkajs/src/producer/eosManager/index.js': new BuiltFromOriginal((create) => resendingEndTxn(create as Parameters<typeof resendingEndTxn>[0])),
  // A consumer restarted after a crash joins as the member it was (member-id-across-restarts.ts).
  'kafkajs/src/consumer/consumerGroup.js': new BuiltFromOriginal((ConsumerGroup) =>
    keepMemberIdAcrossRestarts(ConsumerGroup as Parameters<typeof keepMemberIdAcrossRestarts>[0]),
  ),
  // A stream thread commits when any heartbeat finds the group rebalancing (commit-before-rejoining.ts).
  'kafkajs/src/consumer/runner.js': new BuiltFromOriginal((Runner) => commitBeforeRejoining(Runner as Parameters<typeof commitBeforeRejoining>[0])),
};

let copy: PrivateModuleCopy<typeof KafkaJS> | undefined;

/** This library's kafkajs, loaded on the first call. */
export function kafkajs(): typeof KafkaJS {
  return privateKafkajs().exports;
}

/** The private copy itself, for specs that check the replaced modules are the ones it uses. */
export function privateKafkajs(): PrivateModuleCopy<typeof KafkaJS> {
  if (!copy) {
    copy = loadPrivateCopy<typeof KafkaJS>('kafkajs', REPLACEMENTS);
    // The copy's codecs (a codec registered on kafkajs().CompressionCodecs decodes with it too).
    bindRecordBatchDecoder({ codecs: copy.exports.CompressionCodecs, PartialMessageError: copy.exports.KafkaJSPartialMessageError });
    forwardAssignmentUserData(copy.exports.AssignerProtocol);
  }
  return copy;
}

// kafkajs decodes the assignment a member gets from the group leader, then drops its userData,
// where a Streams assignor says what else the member is to do (standby tasks, who hosts which
// task). Every assignment our copy decodes gives its userData to these listeners first.
const assignmentListeners = new Set<(userData: Buffer) => void>();

function forwardAssignmentUserData(protocol: typeof KafkaJS.AssignerProtocol): void {
  const decode = protocol.MemberAssignment.decode.bind(protocol.MemberAssignment);
  protocol.MemberAssignment.decode = (buffer: Buffer) => {
    const decoded = decode(buffer);
    if (decoded && decoded.userData.length > 0) for (const listener of assignmentListeners) listener(decoded.userData);
    return decoded;
  };
}

/** Calls `listener` with the userData of every group assignment a consumer of this library receives. */
export function onAssignmentUserData(listener: (userData: Buffer) => void): () => void {
  assignmentListeners.add(listener);
  return () => assignmentListeners.delete(listener);
}
