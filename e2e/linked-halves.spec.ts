// The two halves linked on the embedded seed: from a member of the Service's pool, "Show in
// dataplane" opens the VIP's route and ECMP composite on the member's own compute with that member
// picked out; the composite's slots link back to the pool members and pods; the next-hop list
// names each composite's VIP and Service.

import { expect, test } from '@playwright/test';
import { DataplanePage } from './pages/dataplane-page.ts';
import { LoadBalancersPage } from './pages/load-balancers-page.ts';

const SEED_LB = 'ns-user-1__service-web-clusterip';
const VIP = '10.105.53.64';

test('from a member to its slot in the composite, and back to the member', async ({ page }) => {
  const lbs = new LoadBalancersPage(page);
  const dp = new DataplanePage(page);
  await lbs.goto();
  await lbs.expand(SEED_LB);
  await lbs.expand('listener TCP:8888');
  await lbs.expand('pool TCP:8888');
  const member = lbs.members().first();
  const name = (await member.getByRole('link').first().getAttribute('aria-label'))!;
  const [, pod, ip, node] = /^(\S+) (\d+\.\d+\.\d+\.\d+):80 @(\S+)$/.exec(name)!;

  await lbs.openDetails(`member ${name}`);
  const show = page.getByRole('group', { name: 'Show in dataplane' });
  // The member's own compute is chosen first.
  await expect(show.getByRole('combobox', { name: 'Compute' })).toHaveValue(node!);
  await show.getByRole('link', { name: `Show ${VIP} in dataplane` }).click();

  // The VIP's route is found and its composite selected, on that compute.
  await expect(page).toHaveURL(new RegExp(`/dataplane/${node}\\?.*nh=\\d+`));
  await expect(dp.tab('Next hops')).toHaveAttribute('aria-selected', 'true');
  const detail = page.getByRole('region', { name: /^Next hop \d+$/ });
  await expect(detail.getByRole('link', { name: 'ns-user-1/service-web-clusterip' })).toBeVisible();
  const slots = dp.slotTable();
  const picked = slots.getByRole('row').filter({ hasText: `ns-user-1/${pod}` });
  await expect(picked).toHaveClass('is-picked');
  await expect(picked.getByRole('link', { name: `Member ${ip}:80` })).toBeVisible();

  // The selected next hop's composite is named by its VIP and Service in the list too.
  const nhId = new URL(page.url()).searchParams.get('nh')!;
  const listRow = page
    .getByRole('table', { name: `Next hops on ${node}` })
    .getByRole('row')
    .filter({ has: page.getByRole('button', { name: `Next hop ${nhId}`, exact: true }) });
  await expect(listRow).toContainText(`${VIP}/32`);
  await expect(listRow).toContainText('ns-user-1/service-web-clusterip');

  // Back to the member from its slot.
  await picked.getByRole('link', { name: `Member ${ip}:80` }).click();
  await expect(page).toHaveURL(/\/members\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { name: 'Backend' })).toBeVisible();
  await expect(page.getByRole('link', { name: `ns-user-1/${pod}` })).toBeVisible();
  await expect(page.getByText(`${ip}:80`, { exact: true })).toBeVisible();
});
