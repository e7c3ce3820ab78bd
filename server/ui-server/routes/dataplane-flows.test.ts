import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowPage } from '@model/api/dataplane-views.ts';
import { kflowRow } from '@server/dataplane/kstate.ts';
import { countingRelay, type CountingRelay } from '../testing/counting-relay.ts';
import { startEmbedded, uiServerVia, type Embedded } from '../testing/embedded.ts';

// The flow table in the agent's own order (what the Flows tab asks first) is paged from the
// agent's first KFlowReq / NextKFlowReq pages, never by walking the whole table: the requests
// the UI server sends to a compute's introspect are counted by a relay in front of it.

/** VR_FLOW_FLAG_EVICTED (tf-vrouter include/vr_flow.h). */
const VR_FLOW_FLAG_EVICTED = 0x0800;
const NODE = 'k8s-node1';

let e: Embedded;
let relay: CountingRelay;
let ui: Awaited<ReturnType<typeof uiServerVia>>;
let dropSnapshots = () => {};
/** The request line of every introspect request the UI server sent to NODE. */
let sent: string[] = [];

/** The flows KFlowReq lists (evicted entries left out, show_evicted=0), in index order. */
function listedFlows(): number[] {
  const router = e.sim.dataplane.router(NODE)!;
  const out: number[] = [];
  for (let i = router.flows.nextActive(0); i >= 0; i = router.flows.nextActive(i + 1))
    if (!((kflowRow(router, i).fe_flags ?? 0) & VR_FLOW_FLAG_EVICTED)) out.push(i);
  return out;
}

const get = async (url: string): Promise<FlowPage> => {
  const res = await ui.inject(url);
  expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
  return res.json() as FlowPage;
};

/** Requests that scan the flow table (not the one-flow `flow_idx` lookups of reverse flows). */
const scans = () => sent.filter((u) => /^\/Snh_(NextKFlowReq|KFlowReq\?flow_idx=-1)/.test(u));

beforeAll(async () => {
  e = await startEmbedded();
  const lb = [...e.sim.store.all('loadbalancer')].find(
    (o) => o.displayName === 'ns-user-1__service-web-clusterip',
  )!;
  const vip = (lb.props.loadbalancer_properties as { vip_address: string }).vip_address;
  const traffic = await e.ui.inject({
    method: 'POST',
    url: '/api/dataplane/traffic',
    payload: { from: 'ns-user-1/client', to: vip, protocol: 'TCP', port: 8888, flows: 1500 },
  });
  expect(traffic.statusCode, traffic.body).toBe(200);
  relay = await countingRelay(e.sim.ports.introspect!().find((p) => p.name === NODE)!.url);
  sent = relay.sent;
  // A UI server of its own (its own snapshots) reading NODE through the relay.
  ui = await uiServerVia(e, NODE, relay.url, {
    // No config change happens here: a test drops the UI server's snapshots by saying one did.
    changes: {
      subscribe: (listener) => {
        dropSnapshots = () => listener({ kind: 'update', object: { type: 'loadbalancer', uuid: '' } });
        return () => undefined;
      },
    },
  });
}, 60_000);

afterAll(async () => {
  await ui?.close();
  relay?.close();
  await e?.close();
});

describe('the flow table in the agent order', () => {
  it('answers the first page from the first introspect pages, and its cursors reach every flow once', async () => {
    const listed = listedFlows();
    // 1500 flows to the VIP and their reverses: 30 introspect pages of 100 to walk it all.
    expect(listed.length).toBeGreaterThanOrEqual(3000);
    const base = `/api/dataplane/vrouters/${NODE}/flows`;

    sent.length = 0;
    const first = await get(`${base}?sort=index&order=asc&limit=200`);
    expect(first.items.map((i) => i.record.index)).toEqual(listed.slice(0, 200));
    // Two pages of 100, and a third to know more follow; nothing counted the table.
    expect(scans()).toHaveLength(3);
    expect(first.total).toBeNull();
    expect(first.matched).toBeNull();
    expect(first.cursor).not.toBeNull();
    // Only the reverse flows the page's DNAT flows name beside them (one KFlowReq flow_idx each).
    expect(sent.length - scans().length).toBeLessThanOrEqual(200);

    sent.length = 0;
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await get(`${base}?limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.items.map((i) => i.record.index));
      cursor = page.cursor;
      pages++;
    } while (cursor !== null && pages < 100);
    expect(seen).toEqual(listed);
    // Each page read its own pages only: about one walk of the table in all, not one per page.
    expect(scans().length).toBeLessThanOrEqual(Math.ceil(listed.length / 100) + 2 * pages);
  }, 60_000);

  it('reads only the pages up to a page of matches', async () => {
    const base = `/api/dataplane/vrouters/${NODE}/flows`;
    const router = e.sim.dataplane.router(NODE)!;
    const client = (await get(`${base}?limit=300`)).items.find((i) => i.record.dport === 8888)!.record.sip;
    const clientFlows = listedFlows().flatMap((index, at) => {
      const f = kflowRow(router, index);
      return f.sip === client || f.dip === client ? [at] : [];
    });
    sent.length = 0;
    const first = await get(`${base}?q=${client}&limit=100`);
    expect(first.items.map((i) => i.record.index)).toEqual(
      clientFlows.slice(0, 100).map((at) => listedFlows()[at]),
    );
    expect(first.cursor).not.toBeNull();
    expect(first.total).toBeNull();
    expect(first.matched).toBeNull();
    // The agent's pages of 100 up to the one holding the 101st match (it says more follow).
    expect(scans()).toHaveLength(Math.floor(clientFlows[100]! / 100) + 1);
  });

  it("pages a filter in index order from the agent's pages: exactly the whole-table filter's rows, in order", async () => {
    const base = `/api/dataplane/vrouters/${NODE}/flows`;
    const listed = listedFlows();
    /** Every page of `query` (index order unless it says otherwise), and the scans it cost. */
    const walk = async (query: string, limit: number) => {
      sent.length = 0;
      const items: FlowPage['items'] = [];
      const pages: FlowPage[] = [];
      let cursor: string | null = null;
      do {
        const page = await get(`${base}?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
        items.push(...page.items);
        pages.push(page);
        cursor = page.cursor;
      } while (cursor !== null && pages.length < 2000);
      return { items, pages, scans: scans().length };
    };
    const aForward = (await get(`${base}?limit=300`)).items.find((i) => i.record.dport === 8888)!.record;
    // Dense: words every flow of the client has (its address); sparse: one random source port
    // (a flow and its reverse); words naming the DPAT flag, which only a DNAT flow's reverse tells; a pod.
    const pod = (await get(`${base}?limit=300`)).items.find((i) => i.names.pod)!.names.pod!;
    const queries = [
      `q=${aForward.sip}`,
      `port=${aForward.sport}`,
      `q=${encodeURIComponent('n(dpd)')}`,
      `q=${encodeURIComponent(pod)}`,
    ];
    const scanned: Record<string, { items: FlowPage['items']; pages: FlowPage[]; scans: number }> = {};
    // Every agent-order walk first: the whole-table reads below leave a snapshot the next page would use.
    for (const query of queries) scanned[query] = await walk(query, 37);
    for (const query of queries) {
      const whole = await walk(`${query}&order=desc`, 1000);
      const expected = whole.items.toReversed();
      expect(expected.length, query).toBeGreaterThan(0);
      expect(scanned[query]!.items, query).toEqual(expected);
    }
    dropSnapshots();

    // Dense matches: the first page cost the pages up to its last match, not the table.
    expect(scanned[`q=${aForward.sip}`]!.pages[0]!.total).toBeNull();
    // Sparse: one pair of flows, found by walking every page once; the first page says so.
    const sparse = scanned[`port=${aForward.sport}`]!;
    expect(sparse.pages).toHaveLength(1);
    expect(sparse.pages[0]!.matched).toBe(sparse.items.length);
    expect(sparse.pages[0]!.total).toBe(listed.length);
    // (A full last page of 100 ends in a handle, so one more, empty, page may follow.)
    expect(sparse.scans).toBeLessThanOrEqual(Math.ceil(listed.length / 100) + 1);
  }, 120_000);

  it('renders the rows the whole-table path renders (DPAT restored from the reverse flow)', async () => {
    const base = `/api/dataplane/vrouters/${NODE}/flows`;
    const fast = await get(`${base}?limit=300`);
    expect(fast.total).toBeNull();
    // Port 8888 to target port 80: the forward flows' DPAT comes from their reverse flows.
    expect(fast.items.some((i) => /Pd/.test(i.record.action))).toBe(true);
    const counted = await get(`${base}?sort=packets&limit=1`);
    expect(counted.total).toBe(listedFlows().length);
    // The table was just read whole: the agent-order page is answered from it, with its counts.
    sent.length = 0;
    const fromSnapshot = await get(`${base}?limit=300`);
    expect(sent).toEqual([]);
    expect(fromSnapshot.total).toBe(listedFlows().length);
    expect(fromSnapshot.items).toEqual(fast.items);
    const next = await get(`${base}?limit=50&cursor=${fromSnapshot.cursor}`);
    expect(next.items.map((i) => i.record.index)).toEqual(listedFlows().slice(300, 350));
  });

  it('refuses a cursor that is not an index-order one', async () => {
    const bad = await ui.inject(
      `/api/dataplane/vrouters/${NODE}/flows?cursor=${Buffer.from('["a"]').toString('base64url')}`,
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.json().detail).toMatch(/^query\.cursor: must be a cursor from a previous page/);
  });
});
