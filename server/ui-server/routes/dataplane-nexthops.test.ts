import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NexthopPage } from '@model/api/dataplane-views.ts';
import { until } from '@server/testing/until.ts';
import { countingRelay, type CountingRelay } from '../testing/counting-relay.ts';
import { startEmbedded, uiServerVia, type Embedded } from '../testing/embedded.ts';

// A page of next hops is named from the routes that use its rows (each read by its exact prefix)
// once the compute's routes were read whole: the same rows and names as from every route, with
// no whole route table read. A UI server of its own reads NODE through a counting relay; a fresh
// one (no index yet) answers from every route, as a page did before.

const NODE = 'k8s-node1';
type Ui = Awaited<ReturnType<typeof uiServerVia>>;

let e: Embedded;
let relay: CountingRelay;
let warm: Ui;

const uiServer = (): Promise<Ui> => uiServerVia(e, NODE, relay.url);

const get = async (ui: Ui, url: string): Promise<NexthopPage> => {
  const res = await ui.inject(url);
  expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
  return res.json() as NexthopPage;
};

/** Every page of `query`, `limit` rows at a time. */
async function walk(ui: Ui, query: string, limit: number): Promise<NexthopPage['items']> {
  const items: NexthopPage['items'] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await get(
      ui,
      `/api/dataplane/vrouters/${NODE}/nexthops?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
    );
    items.push(...page.items);
    cursor = page.cursor;
  } while (cursor !== null && ++pages < 1000);
  return items;
}

/** The whole table in one page from a UI server that has not read the routes yet. */
async function fromEveryRoute(query: string): Promise<NexthopPage['items']> {
  const fresh = await uiServer();
  try {
    const page = await get(fresh, `/api/dataplane/vrouters/${NODE}/nexthops?${query}&limit=1000`);
    expect(page.cursor).toBeNull();
    return page.items;
  } finally {
    await fresh.close();
  }
}

/** Route requests that read a whole VRF table (no exact prefix), or page through one. */
const wholeRouteReads = () =>
  relay.sent.filter(
    (u) =>
      (u.startsWith('/Snh_Inet4UcRouteReq') && !/src_ip=\d/.test(u)) ||
      /uc\.route/.test(decodeURIComponent(u)),
  );

beforeAll(async () => {
  e = await startEmbedded();
  relay = await countingRelay(e.sim.ports.introspect!().find((p) => p.name === NODE)!.url);
  warm = await uiServer();
  // The first page reads every route (and indexes them).
  await get(warm, `/api/dataplane/vrouters/${NODE}/nexthops?limit=10`);
}, 60_000);

afterAll(async () => {
  await warm?.close();
  relay?.close();
  await e?.close();
});

describe('a page of next hops', () => {
  it('is named from its own rows’ routes exactly as from every route, in every order and across pages', async () => {
    for (const query of ['sort=id', 'sort=id&order=desc', 'sort=type', 'sort=refcount', 'type=composite']) {
      relay.sent.length = 0;
      const paged = await walk(warm, query, 7);
      expect(wholeRouteReads(), query).toEqual([]);
      expect(paged, query).toEqual(await fromEveryRoute(query));
    }
    // Not vacuous: composites named by their VIP and Service, with their VRF and hash fields.
    const composites = await walk(warm, 'type=composite', 50);
    expect(composites.length).toBeGreaterThan(1);
    expect(composites.filter((c) => c.names.service !== undefined).length).toBeGreaterThan(1);
    for (const c of composites) expect(c.record.vrf).not.toBe('');
  });

  it('names one next hop (its detail) the same way', async () => {
    const composites = await fromEveryRoute('type=composite');
    for (const c of composites) {
      relay.sent.length = 0;
      const res = await warm.inject(`/api/dataplane/vrouters/${NODE}/nexthops/${c.record.nh_index}`);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ nh_list: [c.record], names: c.names });
      expect(wholeRouteReads()).toEqual([]);
    }
  });

  it('after the routes moved (a config change), reads every route again and answers as before', async () => {
    const members = e.sim.store.count('loadbalancer-member');
    e.sim.cluster.scaleDeployment('ns-user-1', 'webserver', 3);
    await until(() => e.sim.store.count('loadbalancer-member') === members + 4, 'the third pod is a member');
    relay.sent.length = 0;
    const after = await walk(warm, 'type=composite', 13);
    // The new composites are not in the index: the page read every route.
    expect(wholeRouteReads().length).toBeGreaterThan(0);
    expect(after).toEqual(await fromEveryRoute('type=composite'));
    expect(await walk(warm, 'sort=id', 13)).toEqual(await fromEveryRoute('sort=id'));
  });
});
