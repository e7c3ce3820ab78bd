#!/usr/bin/env node
// `npm test`: type-check, lint, dead code (knip), unit tests (vitest) and end-to-end tests (Playwright in Debian's
// Chromium), then one closing line `N passed, N failed` that counts every test and every check.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name) => join(root, 'node_modules', '.bin', name);
const reports = mkdtempSync(join(tmpdir(), 'lb-explorer-test-'));
let passed = 0;
let failed = 0;

function run(title, command, args, env = {}) {
  process.stdout.write(`\n=== ${title}\n`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status === 0;
}

function check(title, command, args) {
  if (run(title, command, args)) passed += 1;
  else {
    failed += 1;
    process.stdout.write(`${title}: FAILED\n`);
  }
}

function count(title, ok, reportFile, read) {
  if (!existsSync(reportFile)) {
    failed += 1;
    process.stdout.write(`${title}: no report was written (the runner failed to start)\n`);
    return;
  }
  const { p, f } = read(JSON.parse(readFileSync(reportFile, 'utf8')));
  passed += p;
  failed += f;
  if (!ok && f === 0) {
    failed += 1;
    process.stdout.write(`${title}: the runner exited non-zero with no failed test\n`);
  }
}

check('typecheck (tsc)', bin('tsc'), ['-p', 'tsconfig.json']);
check('lint (oxlint)', 'npm', ['run', '-s', 'lint']);
check('dead code (knip)', bin('knip'), []);

const vitestReport = join(reports, 'vitest.json');
const unitOk = run('unit and component tests (vitest)', bin('vitest'), [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${vitestReport}`,
]);
count('vitest', unitOk, vitestReport, (r) => ({ p: r.numPassedTests, f: r.numFailedTests }));

if (
  run('browser (Chromium) for end-to-end tests', process.execPath, [
    join(root, 'scripts', 'ensure-chromium.mjs'),
  ])
) {
  const e2eReport = join(reports, 'playwright.json');
  const e2eOk = run('end-to-end tests (Playwright)', bin('playwright'), ['test', '--reporter=list,json'], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: e2eReport,
  });
  count('playwright', e2eOk, e2eReport, (r) => ({
    p: r.stats.expected + r.stats.flaky,
    f: r.stats.unexpected,
  }));
} else {
  failed += 1;
}

process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 ? 0 : 1);
