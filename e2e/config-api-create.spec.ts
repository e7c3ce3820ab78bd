// A load balancer created through the config API (POST :8082/loadbalancers, as any VNC client
// would) appears on the page: on load, and live on an already open page. Each test works in a
// project of its own and deletes what it made.

import { expect, test } from '@playwright/test';
import { ConfigObjects, uniqueName } from './own-objects.ts';
import { LoadBalancersPage } from './pages/load-balancers-page.ts';

async function createLb(objects: ConfigObjects, name: string, vip: string) {
  const project = await objects.create('project', {
    fq_name: ['default-domain', uniqueName('e2e-create')],
    parent_type: 'domain',
  });
  return objects.create('loadbalancer', {
    fq_name: [...project.fq_name, name],
    parent_type: 'project',
    display_name: `e2e__${name}`,
    loadbalancer_provider: 'native',
    loadbalancer_properties: {
      provisioning_status: 'ACTIVE',
      operating_status: 'ONLINE',
      vip_address: vip,
      admin_state: true,
    },
  });
}

test('an LB POSTed to the config API appears on the page', async ({ page, request }) => {
  const objects = new ConfigObjects(request);
  const name = uniqueName('e2e-created');
  try {
    const lb = await createLb(objects, name, '10.99.0.7');
    const lbs = new LoadBalancersPage(page);
    await lbs.goto();
    await lbs.filter.fill(name);
    await expect(lbs.row(`e2e__${name}`)).toContainText('10.99.0.7');
    await expect(lbs.row(`e2e__${name}`)).toContainText('native');
    await lbs.expand(`e2e__${name}`);
    await expect(lbs.detail('loadbalancer', lb.uuid).getByText('No listeners.')).toHaveCount(0);
    await expect(page.getByText('No listeners.')).toBeVisible();
  } finally {
    await objects.deleteAll();
  }
});

test('an LB POSTed while the page is open appears without a reload', async ({ page, request }) => {
  const objects = new ConfigObjects(request);
  const lbs = new LoadBalancersPage(page);
  await lbs.goto();
  await expect(page.getByText('Live', { exact: true })).toBeVisible();
  const name = uniqueName('e2e-live');
  await lbs.filter.fill(name);
  await expect(page.getByText(`No load balancers match “${name}”.`)).toBeVisible();
  try {
    await createLb(objects, name, '10.99.0.8');
    await expect(lbs.row(`e2e__${name}`)).toContainText('10.99.0.8');
  } finally {
    await objects.deleteAll();
  }
});
