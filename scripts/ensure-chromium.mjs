#!/usr/bin/env node
// Makes sure Debian's Chromium is there for Playwright (it never downloads its own browser here):
// installs the `chromium` package with apt-get when running as root, otherwise says how.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (existsSync(chromium)) process.exit(0);

if (process.env.CHROMIUM_PATH) {
  process.stderr.write(`CHROMIUM_PATH=${chromium} does not exist.\n`);
  process.exit(1);
}
if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
  process.stderr.write(
    `Chromium is missing at ${chromium}. Install Debian's package as root:\n` +
      `  sudo apt-get update && sudo apt-get install -y chromium\n` +
      `or point CHROMIUM_PATH at a Chromium binary, then run the tests again.\n`,
  );
  process.exit(1);
}
process.stdout.write(`Chromium is missing at ${chromium}: installing Debian's chromium package…\n`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
for (const args of [
  ['update', '-qq'],
  ['install', '-y', '-qq', 'chromium'],
]) {
  const run = spawnSync('apt-get', args, { stdio: 'inherit', env });
  if (run.status !== 0) {
    process.stderr.write(`apt-get ${args.join(' ')} failed (exit ${run.status}).\n`);
    process.exit(1);
  }
}
if (!existsSync(chromium)) {
  process.stderr.write(`apt-get installed chromium but ${chromium} is still missing.\n`);
  process.exit(1);
}
