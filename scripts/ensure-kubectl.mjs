#!/usr/bin/env node
// Makes sure a `kubectl` is on PATH for the tests that drive the Kubernetes API with it: when
// there is none, installs Debian's `kubernetes-client` with apt-get as root, otherwise says how.
// Exits 0 when kubectl runs. Importable: `ensureKubectl()` returns the command to run.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const hasKubectl = () => spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;

export function ensureKubectl() {
  if (hasKubectl()) return 'kubectl';
  if (typeof process.getuid !== 'function' || process.getuid() !== 0)
    throw new Error(
      'kubectl is not on PATH. Install it (as root: apt-get update && apt-get install -y kubernetes-client) and run the tests again.',
    );
  process.stderr.write("kubectl is missing: installing Debian's kubernetes-client package…\n");
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', 'kubernetes-client'],
  ]) {
    const run = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (run.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (exit ${run.status}).`);
  }
  if (!hasKubectl()) throw new Error('apt-get installed kubernetes-client but kubectl still does not run.');
  return 'kubectl';
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    ensureKubectl();
  } catch (err) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
}
