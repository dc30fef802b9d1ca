// kafkajs frames each request (size, api key and version, correlation id, client id, then the
// body) by copying the body into a growing Encoder twice. This frames it with one copy into a
// Buffer of the exact size. Same bytes; every request kafkajs sends goes through it.

/** What kafkajs' connection passes to `protocol/request.js`. */
export interface RequestFrameArgs {
  readonly correlationId: number;
  readonly clientId: string | null;
  readonly request: { readonly apiKey: number; readonly apiVersion: number; encode(): Promise<{ readonly buffer: Buffer }> };
}

/** The replacement of kafkajs' `protocol/request.js`: the framed request, in `buffer`. */
export async function frameRequest({ correlationId, clientId, request: { apiKey, apiVersion, encode } }: RequestFrameArgs): Promise<{ buffer: Buffer }> {
  const body = (await encode()).buffer;
  const clientIdBytes = clientId == null ? 0 : Buffer.byteLength(clientId);
  const headerBytes = 2 + 2 + 4 + 2 + clientIdBytes;
  const buffer = Buffer.allocUnsafe(4 + headerBytes + body.length);
  let at = buffer.writeInt32BE(headerBytes + body.length, 0);
  at = buffer.writeInt16BE(apiKey, at);
  at = buffer.writeInt16BE(apiVersion, at);
  at = buffer.writeInt32BE(correlationId, at);
  if (clientId == null) at = buffer.writeInt16BE(-1, at);
  else at = buffer.writeInt16BE(clientIdBytes, at) + buffer.write(clientId, at + 2);
  buffer.set(body, at);
  return { buffer };
}
