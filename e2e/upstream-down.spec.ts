// The upstream-down state: a second UI server, started inside this test on port 0 with the built
// SPA, points at a config API port nothing listens on. Real proxy and explorer code answer 502,
// and the page must say the config API is unreachable (no route interception involved).

import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import type { FastifyInstance } from 'fastify';
import { buildUiServer } from '../server/ui-server/app.ts';

let ui: FastifyInstance;
let base: string;
let deadPort: number;

test.beforeAll(async () => {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  deadPort = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  ui = await buildUiServer({
    configApiUrl: `http://127.0.0.1:${deadPort}`,
    staticDir: fileURLToPath(new URL('../dist', import.meta.url)),
  });
  base = await ui.listen({ host: '127.0.0.1', port: 0 });
});

test.afterAll(async () => {
  await ui.close();
});

test('the grid says the config API is unreachable and offers a retry', async ({ page }) => {
  await page.goto(`${base}/loadbalancers`);
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('The config API is unreachable (502)');
  await expect(alert).toContainText(`127.0.0.1:${deadPort} is unreachable`);
  await expect(alert.getByRole('button', { name: 'Retry' })).toBeVisible();
});

test('a deep link to an object says the same', async ({ page }) => {
  await page.goto(`${base}/loadbalancers/99fe8ce7-9e75-11e9-b485-0050569e6cfc`);
  await expect(page.getByRole('alert').first()).toContainText('The config API is unreachable (502)');
});
