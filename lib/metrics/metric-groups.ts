// Kafka Streams' metric groups and tag names, so that dashboards written for it carry over.
export const CLIENT_GROUP = 'stream-metrics';
export const THREAD_GROUP = 'stream-thread-metrics';
export const TASK_GROUP = 'stream-task-metrics';
export const PROCESSOR_NODE_GROUP = 'stream-processor-node-metrics';
export const STATE_GROUP = 'stream-state-metrics';
export const RECORD_CACHE_GROUP = 'stream-record-cache-metrics';
/** The embedded consumer's group, where Kafka's consumer reports `records-lag`. */
export const CONSUMER_FETCH_GROUP = 'consumer-fetch-manager-metrics';

export const CLIENT_ID_TAG = 'client-id';
export const THREAD_ID_TAG = 'thread-id';
export const TASK_ID_TAG = 'task-id';
export const PROCESSOR_NODE_ID_TAG = 'processor-node-id';
export const STATE_ID_TAG = 'state-id';
export const RECORD_CACHE_ID_TAG = 'record-cache-id';
