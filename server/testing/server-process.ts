// Helpers for benchmarks and tests that run the real server as a child process on free ports.

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** A loopback port nothing listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * Runs `server/main.ts` with `env` (HOST defaults to 127.0.0.1, INTROSPECT_PORT to 0) and resolves once `readyUrl`
 * answers 2xx; rejects with the server's stderr if it exits first or does not come up in time.
 */
export async function startServerProcess(
  env: Record<string, string>,
  readyUrl: string,
  timeoutMs = 120_000,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: root,
    // INTROSPECT_PORT=0: the computes' introspect listeners take free ports, never 8085+.
    env: { ...process.env, HOST: '127.0.0.1', INTROSPECT_PORT: '0', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}): ${stderr.trim()}`);
    try {
      if ((await fetch(readyUrl)).ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill();
  throw new Error(`server at ${readyUrl} did not come up in ${timeoutMs} ms: ${stderr.trim()}`);
}
