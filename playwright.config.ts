import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';

// Free ports are chosen once, by the runner, and passed to its workers through the environment
// (workers inherit it and load this file again), so parallel checkouts never collide.
if (
  !process.env.E2E_UI_PORT ||
  !process.env.E2E_CONFIG_API_PORT ||
  !process.env.E2E_KUBE_API_PORT ||
  !process.env.E2E_KEYSTONE_PORT
) {
  const [ui, configApi, kubeApi, keystone] = execFileSync(process.execPath, ['scripts/free-ports.mjs', '4'], {
    encoding: 'utf8',
  })
    .trim()
    .split('\n');
  process.env.E2E_UI_PORT = ui;
  process.env.E2E_CONFIG_API_PORT = configApi;
  process.env.E2E_KUBE_API_PORT = kubeApi;
  process.env.E2E_KEYSTONE_PORT = keystone;
}
// The server runs with Keystone auth on, as a real Contrail does: the UI server gets its token from
// the embedded Keystone and the browser never sees it (e2e/env.ts has the specs' own token).
process.env.E2E_KEYSTONE_PASSWORD ??= `e2e-${process.pid}`;
// A fresh state directory per run, so runs never see each other's saved objects.
process.env.E2E_DATA_DIR ??= join(mkdtempSync(join(tmpdir(), 'contrail-lb-explorer-e2e-')), 'data');
const UI_PORT = Number(process.env.E2E_UI_PORT);
const CONFIG_API_PORT = Number(process.env.E2E_CONFIG_API_PORT);
const KUBE_API_PORT = Number(process.env.E2E_KUBE_API_PORT);
const KEYSTONE_PORT = Number(process.env.E2E_KEYSTONE_PORT);

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  timeout: 60_000,
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${UI_PORT}`,
    browserName: 'chromium',
    headless: true,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--disable-gpu', '--disable-quic', '--disable-dev-shm-usage'],
    },
    trace: 'retain-on-failure',
  },
  webServer: {
    command: 'node scripts/start.mjs',
    url: `http://127.0.0.1:${UI_PORT}/api/info`,
    reuseExistingServer: false,
    timeout: 180_000,
    // INTROSPECT_PORT=0: every simulated compute's introspect listens on a port the OS picks.
    env: {
      UI_PORT: String(UI_PORT),
      CONFIG_API_PORT: String(CONFIG_API_PORT),
      KUBE_API_PORT: String(KUBE_API_PORT),
      KEYSTONE_PORT: String(KEYSTONE_PORT),
      CONFIG_API_AUTH: 'keystone',
      KEYSTONE_ADMIN_PASSWORD: process.env.E2E_KEYSTONE_PASSWORD,
      INTROSPECT_PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: process.env.E2E_DATA_DIR,
      LOG_LEVEL: 'silent',
    },
  },
});
