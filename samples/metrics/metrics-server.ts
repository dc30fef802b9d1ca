// An HTTP endpoint for Prometheus to scrape: GET /metrics answers with the application's metrics
// in Prometheus' text format, through a prom-client registry.
import { createServer, type Server } from 'node:http';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { registerMetrics, type MetricsSource } from '../../lib/metrics/prometheus.ts';

/** Serves `app`'s metrics (and Node's own, as prom-client collects them) at http://host:port/metrics. */
export async function serveMetrics(app: MetricsSource, host: string, port: number): Promise<Server> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  registerMetrics(app, registry);
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Try GET /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`${String(error)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return server;
}
