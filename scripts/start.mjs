#!/usr/bin/env node
// `npm start`: build the SPA when its sources are newer than dist/ and the server when its
// sources are newer than its bundle (server-bundle.mjs), then run the server (embedded simulation
// + config API :8082 + UI :8080), pass signals through to it and exit with its code. The server
// holds an IPC channel to this wrapper and stops when the wrapper is gone.

import { spawn, spawnSync } from 'node:child_process';
import { constants } from 'node:os';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serverBundle } from './server-bundle.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const builtIndex = join(root, 'dist', 'index.html');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function spaIsStale() {
  if (!existsSync(builtIndex)) return true;
  const built = statSync(builtIndex).mtimeMs;
  const sources = ['web', 'model', 'public'].map((d) => join(root, d)).filter(existsSync);
  const inputs = [...sources.map(newestMtime), statSync(join(root, 'vite.config.ts')).mtimeMs];
  return Math.max(...inputs) > built;
}

if (spaIsStale()) {
  process.stdout.write('Building the web UI (vite build)…\n');
  const build = spawnSync(
    process.execPath,
    [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  if (build.status !== 0) process.exit(build.status ?? 1);
}

// Stack traces name the TypeScript sources.
const server = spawn(
  process.execPath,
  ['--enable-source-maps', await serverBundle('server/main.ts'), ...process.argv.slice(2)],
  {
    cwd: root,
    // The IPC channel lets the server notice when this wrapper dies (main.ts 'disconnect').
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
  },
);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => server.kill(signal));
// The server's own code; killed by a signal, the shell's convention 128 + its number.
server.on('exit', (code, signal) =>
  process.exit(code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : 0)),
);
