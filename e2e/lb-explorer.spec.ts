// The seed's journey on the embedded default scenario: find the Service's load balancer, open its
// Advanced JSON view and walk LB → listener → pool → members with +; plus the -mp Service, deep
// links, filter and keyboard.

import { expect, test } from '@playwright/test';
import { LoadBalancersPage, explorerRow } from './pages/load-balancers-page.ts';

const SEED_LB = 'ns-user-1__service-web-clusterip';
const SEED_MP_LB = 'ns-user-1__service-web-clusterip-mp';
const UUID = '[0-9a-f-]{36}';

test('the seed journey: VIP, provider, listener 8888, pool, two members on port 80', async ({
  page,
  request,
}) => {
  const lbs = new LoadBalancersPage(page);
  const lb = await explorerRow(request, SEED_LB);
  await lbs.goto();
  await lbs.filter.fill('ns-user-1-service-web-clusterip');
  // The filter reaches the URL after a pause; a URL change racing it can be overwritten.
  await expect(page).toHaveURL(/q=ns-user-1-service-web-clusterip/);
  await expect(lbs.toggle(SEED_LB)).toBeVisible();
  await expect(lbs.row(SEED_LB)).toContainText('10.105.53.64');
  await lbs.expand(SEED_LB);

  const detail = lbs.detail('loadbalancer', lb.uuid);
  await detail.getByRole('button', { name: 'Advanced JSON view' }).click();
  const json = lbs.json('loadbalancer', lb.uuid);
  const props = json.getByRole('listitem', { name: 'loadbalancer_properties' });
  await expect(props.getByRole('treeitem').filter({ hasText: /^vip_address:/ })).toContainText(
    '"10.105.53.64"',
  );
  await expect(json.getByRole('listitem', { name: 'loadbalancer_provider' })).toContainText('"native"');

  // + on the listener back-ref opens the listener inline.
  const listenerPlus = lbs.plusesOf(json, 'loadbalancer-listener');
  await expect(listenerPlus).toHaveCount(1);
  await listenerPlus.click();
  const listenerUuid = lb.listeners[0]!.uuid;
  const listenerJson = json.getByLabel(`loadbalancer-listener ${listenerUuid}`, { exact: true });
  await expect(listenerJson.getByRole('treeitem').filter({ hasText: /^protocol_port:/ })).toHaveText(
    'protocol_port:8888,',
  );

  // Then its pool (a back-ref of the listener), then the pool's members (children).
  await lbs.plusesOf(listenerJson, 'loadbalancer-pool').click();
  const poolJson = listenerJson.getByLabel(new RegExp(`^loadbalancer-pool ${UUID}$`));
  const memberPluses = lbs.plusesOf(poolJson, 'loadbalancer-member');
  await expect(memberPluses).toHaveCount(2);
  for (const plus of await memberPluses.all()) await plus.click();
  const memberJsons = poolJson.getByLabel(new RegExp(`^loadbalancer-member ${UUID}$`));
  await expect(memberJsons).toHaveCount(2);
  for (const member of await memberJsons.all())
    await expect(member.getByRole('treeitem').filter({ hasText: /^protocol_port:/ })).toHaveText(
      'protocol_port:80,',
    );
});

test('the tree: listener, pool and members with pod, node and IP', async ({ page, request }) => {
  const lbs = new LoadBalancersPage(page);
  const lb = await explorerRow(request, SEED_LB);
  await lbs.goto();
  await lbs.expand(SEED_LB);
  // Let the detail panel load first: rows below it move when it does.
  await expect(lbs.detail('loadbalancer', lb.uuid).getByText('Provider')).toBeVisible();
  const listenerToggle = page.getByRole('button', { name: /^Expand service-web-clusterip__.*-TCP-8888-/ });
  await expect(listenerToggle).toHaveCount(1);
  const listenerName = (await listenerToggle.getAttribute('aria-label'))!.slice('Expand '.length);
  await lbs.expand(listenerName);
  // The pool carries the listener's name: wait for its row, then expand it.
  await expect(page.getByRole('button', { name: `Expand ${listenerName}`, exact: true })).toHaveCount(2);
  await expect(
    page.getByRole('region', { name: /^Details of loadbalancer-listener / }).getByText('Protocol'),
  ).toBeVisible();
  await lbs.expand(listenerName);
  const members = page.getByRole('row').filter({ hasText: 'targetPort 80' });
  await expect(members).toHaveCount(2);
  for (const member of await members.all()) {
    await expect(member).toContainText(/pod ns-user-1\/\S+/);
    await expect(member).toContainText(/node \S+/);
    await expect(member).toContainText(/pod IP \d+\.\d+\.\d+\.\d+/);
  }
});

test('the -mp service has two listeners', async ({ page }) => {
  const lbs = new LoadBalancersPage(page);
  await lbs.goto();
  await expect(lbs.row(SEED_MP_LB)).toContainText('TCP:8888, TCP:9999');
  await lbs.expand(SEED_MP_LB);
  await expect(page.getByRole('row').filter({ hasText: 'listener TCP:8888' })).toHaveCount(1);
  await expect(page.getByRole('row').filter({ hasText: 'listener TCP:9999' })).toHaveCount(1);
});

test('a deep link restores the object, its breadcrumbs, view and expansion after reload', async ({
  page,
  request,
}) => {
  const lb = await explorerRow(request, SEED_LB);
  const listenerUuid = lb.listeners[0]!.uuid;
  await page.goto(`/listeners/${listenerUuid}?view=json`);
  const crumbs = page.getByRole('navigation', { name: 'Breadcrumb' });
  await expect(crumbs.getByRole('link', { name: SEED_LB })).toHaveAttribute(
    'href',
    `/loadbalancers/${lb.uuid}`,
  );
  const lbs = new LoadBalancersPage(page);
  const json = lbs.json('loadbalancer-listener', listenerUuid);
  await expect(json.getByRole('treeitem').filter({ hasText: /^protocol_port:/ })).toHaveText(
    'protocol_port:8888,',
  );
  // Expand the pool in the children tree, reload, and the same screen comes back.
  const poolToggle = page.getByRole('treegrid', { name: 'Pools' }).getByRole('button', { name: /^Expand / });
  await poolToggle.click();
  await expect(page).toHaveURL(/open=pl\./);
  await expect(page.getByRole('row').filter({ hasText: 'targetPort 80' })).toHaveCount(2);
  await page.reload();
  await expect(lbs.json('loadbalancer-listener', listenerUuid)).toBeVisible();
  await expect(
    page
      .getByRole('treegrid', { name: 'Pools' })
      .getByRole('button', { name: /^Expand / })
      .first(),
  ).toHaveAttribute('aria-expanded', 'true');
  await expect(page.getByRole('row').filter({ hasText: 'targetPort 80' })).toHaveCount(2);
  await crumbs.getByRole('link', { name: SEED_LB }).click();
  await expect(page).toHaveURL(`/loadbalancers/${lb.uuid}`);
  await expect(page.getByRole('heading', { level: 1 })).toContainText(SEED_LB);
});

test('filter matches display name, name, VIP and uuid; - and _ runs are equivalent', async ({
  page,
  request,
}) => {
  const lbs = new LoadBalancersPage(page);
  const mp = await explorerRow(request, SEED_MP_LB);
  await lbs.goto();
  await expect(lbs.toggle(SEED_LB)).toBeVisible();
  await lbs.filter.fill('ns-user-1-service-web-clusterip-mp');
  await expect(lbs.toggle(SEED_MP_LB)).toBeVisible();
  await expect(lbs.toggle(SEED_LB)).toHaveCount(0);
  await lbs.filter.fill(mp.uuid);
  await expect(lbs.toggle(SEED_MP_LB)).toBeVisible();
  await lbs.filter.fill('10.105.53.64');
  await expect(lbs.toggle(SEED_LB)).toBeVisible();
  await expect(lbs.toggle(SEED_MP_LB)).toHaveCount(0);
  await lbs.filter.fill('no-such-service-anywhere');
  await expect(page.getByText('No load balancers match “no-such-service-anywhere”.')).toBeVisible();
  // The filter is in the URL.
  await expect(page).toHaveURL(/q=no-such-service-anywhere/);
});

test('keyboard: / focuses the filter, arrows move and expand, Enter opens', async ({ page }) => {
  const lbs = new LoadBalancersPage(page);
  await lbs.goto();
  await expect(lbs.toggle(SEED_LB)).toBeVisible();
  await page.keyboard.press('/');
  await expect(lbs.filter).toBeFocused();
  await lbs.filter.fill('service-web-clusterip');
  await lbs.row(SEED_MP_LB).click();
  await expect(lbs.row(SEED_MP_LB)).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(lbs.row(SEED_LB)).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect(lbs.toggle(SEED_LB)).toHaveAttribute('aria-expanded', 'true');
  await page.keyboard.press('ArrowLeft');
  await expect(lbs.toggle(SEED_LB)).toHaveAttribute('aria-expanded', 'false');
  await page.keyboard.press('ArrowUp');
  await expect(lbs.row(SEED_MP_LB)).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/loadbalancers/${UUID}$`));
  await expect(page.getByRole('heading', { level: 1 })).toContainText(SEED_MP_LB);
});
