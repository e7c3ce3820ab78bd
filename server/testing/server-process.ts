// Helpers for benchmarks and tests that run the real server as a child process on free ports.

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/** A fresh, empty state directory under the OS temp dir (the caller removes it). */
export function tempDataDir(): string {
  return join(mkdtempSync(join(tmpdir(), 'contrail-lb-explorer-')), 'data');
}

/**
 * Runs `server/main.ts` with `env` (HOST defaults to 127.0.0.1, LOG_LEVEL to silent, INTROSPECT_PORT to 0, DATA_DIR to
 * a fresh temp directory removed when the process exits) and resolves once `readyUrl` answers
 * 2xx; rejects with the server's stderr if it exits first or does not come up in time.
 */
export async function startServerProcess(
  env: Record<string, string>,
  readyUrl: string,
  timeoutMs = 120_000,
): Promise<ChildProcess> {
  const ownDataDir = env.DATA_DIR === undefined ? tempDataDir() : undefined;
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      KUBE_API_PORT: '0',
      // The computes' introspect listeners take free ports, never 8085+.
      INTROSPECT_PORT: '0',
      LOG_LEVEL: 'silent',
      ...(ownDataDir ? { DATA_DIR: ownDataDir } : {}),
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  if (ownDataDir) child.on('exit', () => rmSync(join(ownDataDir, '..'), { recursive: true, force: true }));
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
