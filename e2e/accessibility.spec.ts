// Zero axe-core violations on every screen, in light and dark mode, at 1440 and 1024 px: the load
// balancer tree (expanded to members, details in both views), the object pages (Basic and
// Advanced JSON), the config explorer, every Dataplane tab with its results, a VIP's ECMP topology
// and the drift list. Every rule runs; a failure names the rule and the elements.

import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { expectNoAxeViolations } from './pages/axe.ts';
import { DataplanePage } from './pages/dataplane-page.ts';
import { LoadBalancersPage, explorerRow } from './pages/load-balancers-page.ts';

const SEED_LB = 'ns-user-1__service-web-clusterip';
const VIP = '10.105.53.64';

interface SeedIds {
  lb: string;
  listener: string;
  pool: string;
  member: string;
  vmi: string;
}

async function seedIds(request: APIRequestContext): Promise<SeedIds> {
  const lb = await explorerRow(request, SEED_LB);
  const listener = lb.listeners[0]!.uuid;
  const pools = (await (await request.get(`/api/explorer/listeners/${listener}/pools`)).json()) as {
    pools: { uuid: string }[];
  };
  const pool = pools.pools[0]!.uuid;
  const members = (await (await request.get(`/api/explorer/pools/${pool}/members`)).json()) as {
    members: { uuid: string; vmi: { uuid: string } }[];
  };
  return { lb: lb.uuid, listener, pool, member: members.members[0]!.uuid, vmi: members.members[0]!.vmi.uuid };
}

interface Screen {
  name: string;
  /** Opens the screen and waits until what is scanned is on it. */
  open: (page: Page, ids: SeedIds) => Promise<void>;
}

const json = (page: Page, type: string, uuid: string) =>
  page.getByRole('region', { name: `JSON of ${type} ${uuid}` });

const SCREENS: Screen[] = [
  {
    name: 'load balancer tree, expanded to members, details open in both views',
    open: async (page, ids) => {
      await page.goto(
        `/loadbalancers?open=lb.${ids.lb},ls.${ids.listener},pl.${ids.pool}&details=${ids.lb},${ids.member}&json=${ids.member}`,
      );
      await expect(new LoadBalancersPage(page).members()).toHaveCount(2);
      await expect(page.getByRole('region', { name: `Details of loadbalancer ${ids.lb}` })).toContainText(
        'Provider',
      );
      await expect(json(page, 'loadbalancer-member', ids.member)).toContainText('protocol_port');
    },
  },
  {
    name: 'load balancer page, Basic view',
    open: async (page, ids) => {
      await page.goto(`/loadbalancers/${ids.lb}`);
      await expect(page.getByRole('region', { name: `Details of loadbalancer ${ids.lb}` })).toContainText(
        'VIP',
      );
      await expect(page.getByRole('treegrid', { name: 'Listeners' })).toBeVisible();
    },
  },
  {
    name: 'load balancer page, Advanced JSON view with a listener open inline and a search',
    open: async (page, ids) => {
      await page.goto(`/loadbalancers/${ids.lb}?view=json`);
      const view = json(page, 'loadbalancer', ids.lb);
      await view.getByRole('button', { name: `Expand loadbalancer-listener ${ids.listener}` }).click();
      await expect(view.getByLabel(`loadbalancer-listener ${ids.listener}`, { exact: true })).toContainText(
        'protocol_port',
      );
      await page.getByRole('searchbox', { name: 'Search JSON' }).fill('vip');
      await expect(page.getByLabel('Search matches')).toContainText('vip_address');
    },
  },
  {
    name: 'listener page, Advanced JSON view',
    open: async (page, ids) => {
      await page.goto(`/listeners/${ids.listener}?view=json`);
      await expect(json(page, 'loadbalancer-listener', ids.listener)).toContainText('protocol_port');
    },
  },
  {
    name: 'pool page',
    open: async (page, ids) => {
      await page.goto(`/pools/${ids.pool}`);
      await expect(page.getByRole('treegrid', { name: 'Members' })).toBeVisible();
    },
  },
  {
    name: 'member page',
    open: async (page, ids) => {
      await page.goto(`/members/${ids.member}`);
      await expect(page.getByRole('heading', { name: 'Backend' })).toBeVisible();
      await expect(page.getByRole('link', { name: `Show ${VIP} in dataplane` })).toBeVisible();
    },
  },
  {
    name: 'config explorer',
    open: async (page) => {
      await page.goto('/config');
      await expect(page.getByRole('list', { name: 'Config types' })).toContainText('loadbalancer');
    },
  },
  {
    name: 'config type list',
    open: async (page) => {
      await page.goto('/config/virtual-machine-interface');
      await expect(page.getByRole('status').filter({ hasText: /objects$/ })).toBeVisible();
    },
  },
  {
    name: 'config object page, Basic and Advanced JSON views',
    open: async (page, ids) => {
      await page.goto(`/objects/virtual-machine-interface/${ids.vmi}`);
      await expect(page.getByRole('heading', { name: 'Identity' })).toBeVisible();
      await expectNoAxeViolations(page, 'config object page, Basic view');
      await page.getByRole('button', { name: 'Advanced JSON view' }).click();
      await expect(json(page, 'virtual-machine-interface', ids.vmi)).toContainText('fq_name');
    },
  },
  {
    name: 'dataplane routes, table and CLI',
    open: async (page) => {
      const dp = new DataplanePage(page);
      await page.goto('/dataplane/k8s-node1');
      await expect(dp.routeRow(`${VIP}/32`)).toBeVisible();
      await expectNoAxeViolations(page, 'dataplane routes table');
      await page.getByRole('button', { name: 'CLI' }).click();
      await expect(page.getByLabel(/^rt --dump \d+$/)).toContainText('Destination');
    },
  },
  {
    name: 'dataplane next hops: the composite graph, its slot table and nh --get',
    open: async (page) => {
      const dp = new DataplanePage(page);
      await page.goto(`/dataplane/k8s-node1?tab=nexthops&vip=${VIP}`);
      await expect(dp.activeSlots()).toHaveCount(2);
      await expect(dp.slotTable()).toBeVisible();
      await expect(page.getByLabel(/^nh --get \d+$/)).toContainText('Composite');
    },
  },
  {
    name: 'dataplane trace and traffic, with results',
    open: async (page) => {
      const dp = new DataplanePage(page);
      await page.goto('/dataplane/k8s-node1?tab=trace');
      await dp.trace();
      await dp.sendTraffic(20);
      await page.getByRole('searchbox', { name: 'Find another Service' }).fill('web');
      await expect(dp.controls.getByRole('button', { name: 'ns-user-1/service-web-lb' })).toBeVisible();
    },
  },
  {
    name: 'dataplane interfaces',
    open: async (page) => {
      await page.goto('/dataplane/k8s-node1?tab=interfaces');
      await expect(
        page.getByRole('table', { name: 'Interfaces on k8s-node1' }).getByRole('row').nth(1),
      ).toBeVisible();
    },
  },
  {
    name: "ECMP topology of the seed Service's VIP on every compute: graph and table",
    open: async (page, ids) => {
      await page.goto(`/topology?lb=${ids.lb}`);
      await expect(page.getByRole('heading', { name: `ECMP topology of ${VIP}` })).toBeVisible();
      await expect(page.getByRole('table', { name: `Slots of ${VIP} by compute` })).toContainText(
        'k8s-node2',
      );
      await expect(page.getByRole('figure', { name: `ECMP topology of ${VIP}` })).toBeVisible();
    },
  },
  {
    name: 'drift list with the kube-manager switch',
    open: async (page) => {
      await page.goto('/drift');
      await expect(page.getByRole('switch', { name: 'Pause kube-manager' })).toBeEnabled();
      await expect(
        page.getByText(/^No drift: all \d+ load balancers are consistent|This server does not run/),
      ).toBeVisible();
    },
  },
  {
    name: 'dataplane flows',
    open: async (page) => {
      await page.goto('/dataplane/k8s-node1?tab=flows');
      await expect(new DataplanePage(page).flows('k8s-node1').getByRole('row').nth(1)).toBeVisible();
    },
  },
];

for (const colorScheme of ['light', 'dark'] as const)
  for (const width of [1440, 1024])
    test(`every screen passes axe-core in ${colorScheme} mode at ${width} px`, async ({ page, request }) => {
      test.setTimeout(300_000);
      await page.setViewportSize({ width, height: 900 });
      await page.emulateMedia({ colorScheme });
      const ids = await seedIds(request);
      for (const screen of SCREENS)
        await test.step(screen.name, async () => {
          await screen.open(page, ids);
          await expectNoAxeViolations(page, `${screen.name} (${colorScheme}, ${width} px)`);
        });
    });
