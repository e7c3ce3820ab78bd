// Honest liveness against a real server this spec starts (its own ports) and stops: while it is
// down the page says "Disconnected — data as of hh:mm" once, keeps the rows it has, quietly marks
// what it cannot load, and will not send a trace (saying why, keeping what was typed); when the
// server is back the stream reconnects and the page resyncs — a restarted simulation has new
// uids, so the load balancer links change under the user's eyes.

import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { expect, test, type Page } from '@playwright/test';
import { freePort, startServerProcess } from '../server/testing/server-process.ts';
import { expectNoAxeViolations } from './pages/axe.ts';
import { LoadBalancersPage } from './pages/load-balancers-page.ts';

const SEED_LB = 'ns-user-1__service-web-clusterip';
const SEED_MP_LB = 'ns-user-1__service-web-clusterip-mp';

let server: ChildProcess | undefined;
let env: Record<string, string>;
let base: string;

async function start(): Promise<void> {
  server = await startServerProcess(env, `${base}/api/info`);
}

async function stop(): Promise<void> {
  if (!server || server.exitCode !== null) return;
  const exited = once(server, 'exit');
  server.kill('SIGKILL');
  await exited;
}

test.beforeAll(async () => {
  const [uiPort, apiPort] = [await freePort(), await freePort()];
  env = { UI_PORT: String(uiPort), CONFIG_API_PORT: String(apiPort) };
  base = `http://127.0.0.1:${uiPort}`;
  await start();
});

test.afterAll(stop);

/** The href of a load balancer's name link: its uuid, which a restarted simulation renews. */
function lbHref(page: Page, name: string) {
  return new LoadBalancersPage(page).row(name).getByRole('link', { name, exact: true });
}

test('disconnected while the server is down, one banner, forms wait; live and resynced when it is back', async ({
  page,
  context,
}) => {
  test.setTimeout(240_000);
  const lbs = new LoadBalancersPage(page);
  await page.goto(`${base}/loadbalancers`);
  await expect(page.getByText('Live', { exact: true })).toBeVisible();
  await lbs.expand(SEED_LB);
  await expect(lbs.row('listener TCP:8888')).toBeVisible();
  const hrefBefore = await lbHref(page, SEED_LB).getAttribute('href');

  // A second tab on the trace form, with an address typed in.
  const trace = await context.newPage();
  await trace.goto(`${base}/dataplane/k8s-node1?tab=trace`);
  const form = trace.getByRole('form', { name: 'Trace a packet' });
  await form.getByRole('textbox', { name: 'To IP' }).fill('10.105.53.64');
  await form.getByRole('spinbutton', { name: 'Source port (optional)' }).fill('40001');
  await expect(form.getByRole('button', { name: 'Trace' })).toBeEnabled();

  await stop();

  const banner = page.getByRole('alert');
  await expect(banner).toContainText(/Disconnected — data as of \d\d:\d\d/);
  await expect(page.getByText('Disconnected', { exact: true })).toBeVisible();
  await expect(page.getByText('Live', { exact: true })).toHaveCount(0);
  // The rows stay; a level that cannot load now says so quietly, under the one banner.
  await expect(lbs.row(SEED_LB)).toBeVisible();
  await lbs.expand(SEED_MP_LB);
  await expect(page.getByText(/^Not loaded: disconnected/)).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(1);
  await expectNoAxeViolations(page, 'the load balancer tree while disconnected');

  // The trace form will not send, says why, and keeps its input.
  await expect(trace.getByRole('alert')).toContainText('Disconnected — data as of');
  const button = form.getByRole('button', { name: 'Trace' });
  await expect(button).toBeDisabled();
  await expect(button).toHaveAccessibleDescription(/Disconnected from the server/);
  await expect(form.getByRole('textbox', { name: 'To IP' })).toHaveValue('10.105.53.64');
  await expect(form.getByRole('spinbutton', { name: 'Source port (optional)' })).toHaveValue('40001');

  await start();

  // The stream reconnects: no banner, Live, and what is on screen comes from the new server.
  await expect(page.getByRole('alert')).toHaveCount(0, { timeout: 30_000 });
  await expect(page.getByText('Live', { exact: true })).toBeVisible();
  await expect(lbHref(page, SEED_LB)).not.toHaveAttribute('href', hrefBefore!);
  await expect(page.getByText(/^Not loaded/)).toHaveCount(0);

  await expect(trace.getByRole('alert')).toHaveCount(0, { timeout: 30_000 });
  await expect(button).toBeEnabled();
  await expect(form.getByRole('textbox', { name: 'To IP' })).toHaveValue('10.105.53.64');
  await button.click();
  await expect(trace.getByRole('status').filter({ hasText: /^Trace: delivered/ })).toBeVisible();
});
