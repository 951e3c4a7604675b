import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '../logger.ts';
import type { MetricsConfig } from './MetricsConfig.ts';
import type { Readiness } from './Readiness.ts';
import type { ServerMetrics } from './ServerMetrics.ts';
import { errorMessage } from '../../src/shared/errors.ts';

const log = new Logger('MetricsServer');

export interface MetricsListener {
  /** http://host:port (the bound port when configured with 0). */
  readonly url: string;
  close(): Promise<void>;
}

function json(res: import('node:http').ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/**
 * The operator's listener: /metrics (Prometheus text), /readyz and /healthz. Plain HTTP on its own
 * address (loopback by default): it is for the monitoring system, never for clients.
 */
export async function startMetricsServer(c: MetricsConfig, metrics: ServerMetrics, readiness: Readiness, health: () => unknown): Promise<MetricsListener> {
  const http: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { error: 'GET only' });
    if (path === '/metrics') {
      metrics.text().then(
        (text) => {
          res.writeHead(200, { 'content-type': metrics.contentType });
          res.end(text);
        },
        (e: unknown) => {
          log.error('metrics collection failed: %s', errorMessage(e));
          json(res, 500, { error: 'metrics collection failed' });
        },
      );
      return;
    }
    if (path === '/readyz') {
      void readiness.evaluate().then((r) => json(res, r.ready ? 200 : 503, r));
      return;
    }
    if (path === '/healthz') return json(res, 200, health());
    json(res, 404, { error: 'not found', paths: ['/metrics', '/readyz', '/healthz'] });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', (e) => reject(new Error(`metrics listener on ${c.host}:${c.port}: ${e.message} (set metrics.port, or metrics.enabled false)`)));
    http.listen(c.port, c.host, () => resolve());
  });
  const { port } = http.address() as AddressInfo; // listening on TCP, so this is an AddressInfo
  const url = `http://${c.host.includes(':') ? `[${c.host}]` : c.host}:${port}`;
  log.info('metrics and readiness on %s', url);
  return {
    url,
    close: () =>
      new Promise<void>((r) => {
        http.closeAllConnections();
        http.close(() => r());
      }),
  };
}
