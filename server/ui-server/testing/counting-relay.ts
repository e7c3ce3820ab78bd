// A relay in front of an introspect listener that notes the path and query of every request it
// forwards: tests count what the UI server asked a compute for. Tests only.

import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';

export interface CountingRelay {
  /** The request line (path and query) of every request, in order. */
  readonly sent: string[];
  readonly url: string;
  close(): void;
}

/** Forwards every request to `target`, noting its path and query. */
export async function countingRelay(target: string): Promise<CountingRelay> {
  const to = new URL(target);
  const sent: string[] = [];
  const server: Server = createServer((req, res) => {
    sent.push(req.url ?? '');
    const upstream = httpRequest(
      { host: to.hostname, port: to.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    sent,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}
