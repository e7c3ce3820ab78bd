// The config explorer on objects of its own: the types come from the config API's GET /, an object
// opens by uuid and by type + fq_name, and a ref leads to the object it names (and its parent back
// up). Everything is created through the config API first and deleted afterwards.

import { expect, test } from '@playwright/test';
import { configApiHeaders, E2E_CONFIG_API } from './env.ts';
import { ConfigObjects, uniqueName } from './own-objects.ts';
import { ConfigExplorerPage } from './pages/config-explorer-page.ts';

interface RootLink {
  link: { rel: string; name: string };
}

test('types from GET /, an object by uuid and by fq_name, then follow a ref', async ({ page, request }) => {
  // The run's config API has Keystone auth on, as contrail-api does: without a token it answers 401,
  // and everything the page shows below came through the UI server's own token.
  expect((await request.get(`${E2E_CONFIG_API}/loadbalancers`)).status()).toBe(401);
  const objects = new ConfigObjects(request);
  try {
    const projectName = uniqueName('e2e-explorer');
    const project = await objects.create('project', {
      fq_name: ['default-domain', projectName],
      parent_type: 'domain',
    });
    const network = await objects.create('virtual-network', {
      fq_name: [...project.fq_name, 'e2e-net'],
      parent_type: 'project',
    });
    // The network has no subnet to allocate from, so the address is given (contrail-api stores it).
    const address = await objects.create('instance-ip', {
      fq_name: [`${projectName}-iip`],
      instance_ip_address: '192.0.2.10',
      virtual_network_refs: [{ uuid: network.uuid, attr: null }],
    });

    // Every collection GET / advertises, in its order.
    const root = (await (
      await request.get(`${E2E_CONFIG_API}/`, { headers: await configApiHeaders() })
    ).json()) as { links: RootLink[] };
    const collections = root.links.filter((l) => l.link.rel === 'collection').map((l) => l.link.name);
    expect(collections).toContain('instance-ip');
    const explorer = new ConfigExplorerPage(page);
    await explorer.open();
    await expect(explorer.types.getByRole('link')).toHaveText(collections);

    // By uuid: the instance-ip's page.
    await explorer.openObject(address.uuid);
    await expect(page).toHaveURL(`/objects/instance-ip/${address.uuid}`);
    await expect(explorer.heading()).toContainText('instance-ip');
    await expect(page.getByRole('region', { name: `Details of instance-ip ${address.uuid}` })).toContainText(
      address.uuid,
    );

    // Follow its virtual_network_refs to the network, then the breadcrumb up to its project.
    await explorer.details().getByRole('link', { name: 'e2e-net', exact: true }).click();
    await expect(page).toHaveURL(`/objects/virtual-network/${network.uuid}`);
    await expect(explorer.heading()).toContainText('virtual-network');
    await expect(
      page.getByRole('region', { name: `Details of virtual-network ${network.uuid}` }),
    ).toContainText(network.fq_name.join(':'));
    const crumbs = page.getByRole('navigation', { name: 'Breadcrumb' });
    await crumbs.getByRole('link', { name: project.fq_name.join(':') }).click();
    await expect(page).toHaveURL(`/objects/project/${project.uuid}`);

    // By type + fq_name: the same network again.
    await explorer.open();
    await explorer.openObject(network.fq_name.join(':'), 'virtual-network');
    await expect(page).toHaveURL(`/objects/virtual-network/${network.uuid}`);
  } finally {
    await objects.deleteAll();
  }
});

test('an fq_name that does not exist is named in the answer', async ({ page }) => {
  const explorer = new ConfigExplorerPage(page);
  await explorer.open();
  const missing = `default-domain:${uniqueName('e2e-none')}:nothing`;
  await explorer.openObject(missing, 'virtual-network');
  const alert = explorer.openForm.getByRole('alert');
  await expect(alert).toContainText('Not found (404)');
  const pyList = `[${missing
    .split(':')
    .map((part) => `'${part}'`)
    .join(', ')}]`;
  await expect(alert).toContainText(`Name ${pyList} not found`);
  await expect(page).toHaveURL('/config');
});
