// A TCP proxy for fault tests: forwards connections to a target port, and can kill every open
// connection (a dropped stream) or black-hole them (a half-open one: the socket stays up, nothing
// arrives). New connections after either are forwarded normally. Tests only.

import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';

export class TcpProxy {
  private readonly server: Server;
  private readonly pairs = new Set<{ client: Socket; upstream: Socket }>();
  private readonly silenced = new Set<{ client: Socket; upstream: Socket }>();
  port = 0;

  constructor(private readonly targetPort: number) {
    this.server = createServer((client) => {
      const upstream = createConnection({ host: '127.0.0.1', port: this.targetPort });
      const pair = { client, upstream };
      this.pairs.add(pair);
      client.pipe(upstream);
      upstream.pipe(client);
      const drop = () => {
        this.pairs.delete(pair);
        client.destroy();
        upstream.destroy();
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
    });
  }

  async listen(): Promise<string> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as { port: number }).port;
    return `http://127.0.0.1:${this.port}`;
  }

  /** Destroys every open connection, as a crashed peer or a reset would. */
  killAll(): void {
    for (const { client, upstream } of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    this.pairs.clear();
  }

  /** Keeps every open connection up but delivers nothing more on it, either way. */
  blackholeAll(): void {
    for (const pair of this.pairs) {
      pair.upstream.unpipe(pair.client);
      pair.client.unpipe(pair.upstream);
      pair.upstream.removeAllListeners('data');
      pair.upstream.on('data', () => undefined);
      this.silenced.add(pair);
    }
    this.pairs.clear();
  }

  async close(): Promise<void> {
    this.killAll();
    for (const { client, upstream } of this.silenced) {
      client.destroy();
      upstream.destroy();
    }
    await new Promise((resolve) => this.server.close(resolve));
  }
}
