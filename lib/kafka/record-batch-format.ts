// Kafka's record batch format (magic 2), the parts both the produce-request writer and the
// fetched-batch decoder need: the attribute bits of a batch header.
// https://kafka.apache.org/documentation/#recordbatch

/** The batch format version that has record batches (Kafka 0.11 on). */
export const RECORD_BATCH_MAGIC = 2;
/** Attribute bits 0-2: the compression codec (0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd). */
export const COMPRESSION_CODEC_MASK = 0x07;
export const NO_COMPRESSION = 0;
/** Attribute bit 3: timestamps set by the broker on append, not by the producer. */
export const LOG_APPEND_TIME_FLAG = 0x08;
/** Attribute bit 4: the batch belongs to a transaction. */
export const TRANSACTIONAL_FLAG = 0x10;
/** Attribute bit 5: the batch holds a control record (a transaction's commit or abort marker). */
export const CONTROL_FLAG = 0x20;
