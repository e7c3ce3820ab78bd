#!/usr/bin/env node
// Prints N loopback ports that nothing listens on right now, one per line (the OS picks them).
// Used where a free port is needed synchronously, e.g. by playwright.config.ts.

import { createServer } from 'node:net';

const count = Number(process.argv[2] ?? 1);
const servers = [];
for (let i = 0; i < count; i++) {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
}
process.stdout.write(servers.map((s) => s.address().port).join('\n') + '\n');
await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
