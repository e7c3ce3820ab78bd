// A load balancer created through the config API (POST :8082/loadbalancers, as any VNC client
// would) appears on the page: on load, and live on an already open page.

import { randomUUID } from 'node:crypto';
import { expect, test, type APIRequestContext } from '@playwright/test';
import { E2E_CONFIG_API } from './env.ts';
import { LoadBalancersPage } from './pages/load-balancers-page.ts';

const PROJECT = ['default-domain', 'default-project'];

async function ensureProject(request: APIRequestContext): Promise<void> {
  const found = await request.post(`${E2E_CONFIG_API}/fqname-to-id`, {
    data: { type: 'project', fq_name: PROJECT },
  });
  if (found.ok()) return;
  const created = await request.post(`${E2E_CONFIG_API}/projects`, {
    data: { project: { fq_name: PROJECT, parent_type: 'domain' } },
  });
  expect(created.ok(), await created.text()).toBe(true);
}

async function createLb(request: APIRequestContext, name: string, vip: string): Promise<string> {
  const res = await request.post(`${E2E_CONFIG_API}/loadbalancers`, {
    data: {
      loadbalancer: {
        fq_name: [...PROJECT, name],
        parent_type: 'project',
        display_name: `e2e__${name}`,
        loadbalancer_provider: 'native',
        loadbalancer_properties: {
          provisioning_status: 'ACTIVE',
          operating_status: 'ONLINE',
          vip_address: vip,
          admin_state: true,
        },
      },
    },
  });
  expect(res.ok(), await res.text()).toBe(true);
  return ((await res.json()) as { loadbalancer: { uuid: string } }).loadbalancer.uuid;
}

test('an LB POSTed to the config API appears on the page', async ({ page, request }) => {
  await ensureProject(request);
  const name = `e2e-created-${randomUUID().slice(0, 8)}`;
  const uuid = await createLb(request, name, '10.99.0.7');
  try {
    const lbs = new LoadBalancersPage(page);
    await lbs.goto();
    await lbs.filter.fill(name);
    await expect(lbs.row(`e2e__${name}`)).toContainText('10.99.0.7');
    await expect(lbs.row(`e2e__${name}`)).toContainText('native');
    await lbs.expand(`e2e__${name}`);
    await expect(lbs.detail('loadbalancer', uuid).getByText('No listeners.')).toHaveCount(0);
    await expect(page.getByText('No listeners.')).toBeVisible();
  } finally {
    await request.delete(`${E2E_CONFIG_API}/loadbalancer/${uuid}`);
  }
});

test('an LB POSTed while the page is open appears without a reload', async ({ page, request }) => {
  await ensureProject(request);
  const lbs = new LoadBalancersPage(page);
  await lbs.goto();
  await expect(page.getByText('Live', { exact: true })).toBeVisible();
  const name = `e2e-live-${randomUUID().slice(0, 8)}`;
  await lbs.filter.fill(name);
  await expect(page.getByText(`No load balancers match “${name}”.`)).toBeVisible();
  const uuid = await createLb(request, name, '10.99.0.8');
  try {
    await expect(lbs.row(`e2e__${name}`)).toContainText('10.99.0.8');
  } finally {
    await request.delete(`${E2E_CONFIG_API}/loadbalancer/${uuid}`);
  }
});
