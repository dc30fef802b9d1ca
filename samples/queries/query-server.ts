// Interactive queries over HTTP, routed to the instance that owns the key. Each instance runs
// one of these at its applicationServer address; any of them answers for any key.
import { createServer, type Server } from 'node:http';
import { InvalidStateStoreException, type KafkaStreams, type Serde } from '../../lib/index.ts';

/** What a query answers: the value, and which instance read it from its store. */
export interface QueryAnswer<V> {
  readonly key: string;
  readonly value: V | null;
  readonly servedBy: string;
}

/**
 * Serves `GET /<store>/<key>` for a key-value store of `app` on `port`. A key this instance owns
 * is read from its local store; another is forwarded once to its owner, as
 * `queryMetadataForKey` names it. While the group rebalances (no owner known, or the owner's
 * task still restoring) the answer is 503, to be asked again.
 */
export function serveQueries(app: KafkaStreams, host: string, port: number, keySerde: Serde<string>): Promise<Server> {
  const self = `${host}:${port}`;
  const server = createServer((request, response) => {
    const reply = (status: number, body: unknown): void => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    void (async () => {
      const url = new URL(request.url ?? '/', `http://${self}`);
      const [storeName, key] = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
      if (request.method !== 'GET' || !storeName || key === undefined) return reply(404, { error: 'GET /<store>/<key>' });
      const owner = app.queryMetadataForKey(storeName, key, keySerde);
      if (!owner) return reply(503, { error: `no instance owns ${key} right now (rebalancing); ask again` });
      const ownerAddress = `${owner.activeHost.host}:${owner.activeHost.port}`;
      if (ownerAddress === self) {
        const value = app.store<string, unknown>(storeName).get(key);
        return reply(200, { key, value: value ?? null, servedBy: self } satisfies QueryAnswer<unknown>);
      }
      // Forwarded at most once: an owner that disagrees (it has just lost the task) says 503.
      if (url.searchParams.has('forwarded')) return reply(503, { error: `${self} does not own ${key} any more; ask again` });
      const forwarded = await fetch(`http://${ownerAddress}/${encodeURIComponent(storeName)}/${encodeURIComponent(key)}?forwarded`);
      reply(forwarded.status, await forwarded.json());
    })().catch((error: unknown) => {
      if (error instanceof InvalidStateStoreException) reply(error.message.includes('No state store named') ? 404 : 503, { error: error.message });
      else reply(500, { error: error instanceof Error ? error.message : String(error) });
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
