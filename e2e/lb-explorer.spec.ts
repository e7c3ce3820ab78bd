// The seed's journey on the embedded default scenario: find the Service's load balancer, open its
// Advanced JSON view and walk LB → listener → pool → members with +; the compact tree (children on
// expand, details on demand, readable names); plus the -mp Service, deep links, filter, keyboard
// and focus back after Back.

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
  await lbs.openDetails(SEED_LB);

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

test('the compact tree: children on expand, readable names, details only on demand', async ({
  page,
  request,
}) => {
  const lbs = new LoadBalancersPage(page);
  const lb = await explorerRow(request, SEED_LB);
  await lbs.goto();
  await lbs.expand(SEED_LB);
  await lbs.expand('listener TCP:8888');
  await lbs.expand('pool TCP:8888');
  const members = lbs.members();
  await expect(members).toHaveCount(2);
  // Each member by pod, IP:port and node, with keyboard-reachable links to its pod and VMI.
  for (const member of await members.all()) {
    await expect(member.getByRole('link').first()).toHaveAccessibleName(
      /^webserver-[a-z0-9]+-[a-z0-9]{5} 10\.47\.\d+\.\d+:80 @k8s-node\d$/,
    );
    await expect(member.getByRole('link', { name: /^ns-user-1\/webserver-/ })).toBeVisible();
    await expect(member.getByRole('link', { name: /^webserver-/ }).last()).toBeVisible();
  }
  // Expanding opened no details panel; the details open on demand, under their row.
  await expect(page.getByRole('region', { name: /^Details of / })).toHaveCount(0);
  await lbs.openDetails('listener TCP:8888');
  await expect(
    lbs.detail('loadbalancer-listener', lb.listeners[0]!.uuid).getByText('Protocol'),
  ).toBeVisible();
  await expect(page.getByRole('link', { name: 'Show 10.105.53.64 in dataplane' })).toBeVisible();
});

test('nothing clips at 1024 px and the two seed Services tell apart', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 800 });
  const lbs = new LoadBalancersPage(page);
  await lbs.goto();
  await expect(lbs.row(SEED_MP_LB)).toBeVisible();
  // Every header cell shows its whole text.
  for (const header of await lbs.grid.getByRole('columnheader').all())
    expect(await header.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
  // The end of each name stays visible: `…clusterip` and `…clusterip-mp` differ on screen.
  const tails = await Promise.all(
    [SEED_LB, SEED_MP_LB].map((name) =>
      lbs.row(name).getByRole('link', { name, exact: true }).locator('.mid-tail').textContent(),
    ),
  );
  expect(tails[0]).not.toBe(tails[1]);
  await expect(lbs.row(SEED_MP_LB)).toContainText('10.101.150.135');
  await expect(lbs.row(SEED_MP_LB)).toContainText('TCP:9999');
});

test('the -mp service has two listeners', async ({ page }) => {
  const lbs = new LoadBalancersPage(page);
  await lbs.goto();
  await expect(lbs.row(SEED_MP_LB)).toContainText('TCP:8888, TCP:9999');
  await lbs.expand(SEED_MP_LB);
  await expect(lbs.row('listener TCP:8888')).toHaveCount(1);
  await expect(lbs.row('listener TCP:9999')).toHaveCount(1);
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
  await expect(lbs.members()).toHaveCount(2);
  await page.reload();
  await expect(lbs.json('loadbalancer-listener', listenerUuid)).toBeVisible();
  await expect(
    page
      .getByRole('treegrid', { name: 'Pools' })
      .getByRole('button', { name: /^Expand / })
      .first(),
  ).toHaveAttribute('aria-expanded', 'true');
  await expect(lbs.members()).toHaveCount(2);
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
  // A click on a plain cell (the VIP) makes the row the active, focused one.
  await lbs.row(SEED_MP_LB).getByRole('gridcell').nth(1).click();
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
  // Back: focus returns to the row that was left.
  await page.goBack();
  await expect(lbs.row(SEED_MP_LB)).toBeFocused();
  // Space opens the details of the active row.
  await page.keyboard.press(' ');
  await expect(page.getByRole('region', { name: /^Details of loadbalancer / })).toBeVisible();
});
