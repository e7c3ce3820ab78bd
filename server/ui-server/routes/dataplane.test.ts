import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ComputeList,
  FlowPage,
  InterfacePage,
  NexthopPage,
  RoutePage,
  TraceView,
  VipTopology,
} from '@model/api/dataplane-views.ts';
import type { NhSandeshData, RouteUcSandeshData, VrfSandeshData } from '@model/dataplane/types.ts';
import { itfJson, nhJson, routeJson } from '@server/dataplane/json-views.ts';
import { kflowRow } from '@server/dataplane/kstate.ts';
import { listenIntrospect } from '@server/introspect/server.ts';
import { until } from '@server/testing/until.ts';
import { buildUiServer } from '../app.ts';
import { startEmbedded, type Embedded } from '../testing/embedded.ts';

// /api/dataplane over the seed scenario, read only through each compute's agent introspect. The
// simulation's own records (server/dataplane json-views) are the reference the answers are
// checked against. CLI goldens live in dataplane.golden/ (regenerate with -u when the seed
// changes): the vRouter utilities' text as introspect gives it.

/** VR_FLOW_FLAG_EVICTED (tf-vrouter include/vr_flow.h). */
const VR_FLOW_FLAG_EVICTED = 0x0800;
/** Walking 30k flows through KFlowReq takes 300 introspect pages per compute. */
const FLOW_WALK_TIMEOUT_MS = 60_000;

let e: Embedded;
let vip: string;
let podVrf: number;
let serviceVrf: number;

const get = async <T>(url: string): Promise<T> => {
  const res = await e.ui.inject(url);
  expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
  return res.json() as T;
};
const trace = (body: object) => e.ui.inject({ method: 'POST', url: '/api/dataplane/trace', payload: body });
const traffic = (body: object, headers: Record<string, string> = {}) =>
  e.ui.inject({ method: 'POST', url: '/api/dataplane/traffic', payload: body, headers });
const golden = (name: string) => `./dataplane.golden/${name}.txt`;
const vipOf = (sim: Embedded['sim'], name: string) => {
  const lb = [...sim.store.all('loadbalancer')].find((o) => o.displayName === name)!;
  return { uuid: lb.uuid, vip: (lb.props.loadbalancer_properties as { vip_address: string }).vip_address };
};

beforeAll(async () => {
  e = await startEmbedded();
  vip = vipOf(e.sim, 'ns-user-1__service-web-clusterip').vip;
  const vrfs = (await get<{ vrf_list: VrfSandeshData[] }>('/api/dataplane/vrouters/k8s-node1/vrfs')).vrf_list;
  podVrf = vrfs.find((v) => v.name.endsWith('k8s-default-pod-network'))!.ucindex;
  serviceVrf = vrfs.find((v) => v.name.endsWith('k8s-default-service-network'))!.ucindex;
});

afterAll(async () => {
  await e.close();
});

/** What the tables say of a route and a next hop, as both sources give it. */
const routeShape = (r: RouteUcSandeshData) => ({
  prefix: `${r.src_ip}/${r.src_plen}`,
  paths: r.path_list.map((p) => ({
    peer: p.peer,
    label: p.label,
    hash: p.ecmp_hashing_fields,
    nh: p.nh && {
      id: p.nh.nh_index,
      type: p.nh.type,
      mc: p.nh.mc_list,
      label: p.nh.label,
      itf: p.nh.itf,
    },
  })),
});

const nhShape = ({ nh_index, type, label, mc_list, local_ecmp, itf, dip, hash_fields }: NhSandeshData) => ({
  nh_index,
  type,
  label,
  mc_list,
  local_ecmp,
  itf,
  dip,
  hash_fields,
});

const cli = async (path: string) => {
  const res = await e.ui.inject(`/api/dataplane/vrouters/${path}`);
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain/);
  return res.body;
};

describe('/api/dataplane on the seed scenario, through introspect', () => {
  it('lists every compute with its introspect, reachability and table sizes', async () => {
    const { vrouters } = await get<ComputeList>('/api/dataplane/vrouters');
    expect(vrouters.map((v) => `${v.name} ${v.ip} ${v.reachable}`)).toEqual([
      'k8s-node1 10.85.188.20 true',
      'k8s-node2 10.85.188.21 true',
    ]);
    for (const v of vrouters) {
      const router = e.sim.dataplane.router(v.name)!;
      expect(v.introspect).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(v.error).toBeNull();
      expect(Date.parse(v.asOf!)).not.toBeNaN();
      expect(v.summary).toEqual({
        vrfs: router.vrfById.length,
        interfaces: router.vifs.size,
        nexthops: router.nh.size,
      });
    }
  });

  it('answers the whole tables as the simulated agent holds them (routes, next hops, interfaces, VRFs)', async () => {
    const router = e.sim.dataplane.router('k8s-node1')!;
    const vrfs = (await get<{ vrf_list: VrfSandeshData[] }>('/api/dataplane/vrouters/k8s-node1/vrfs'))
      .vrf_list;
    expect(vrfs.map((v) => [v.ucindex, v.name, v.route_count])).toEqual(
      router.vrfById.map((v) => [v.id, v.name, v.routes.size]),
    );
    const { route_list } = await get<{ route_list: RouteUcSandeshData[] }>(
      `/api/dataplane/vrouters/k8s-node1/routes?vrf=${podVrf}`,
    );
    const want = router.sortedRoutes(router.vrfById[podVrf]!).map((r) => routeJson(router, r));
    expect(route_list.map(routeShape)).toEqual(want.map(routeShape));
    const { nh_list } = await get<{ nh_list: NhSandeshData[] }>('/api/dataplane/vrouters/k8s-node1/nexthops');
    const nhs = [...router.nh.values()].sort((a, b) => a.id - b.id).map((n) => nhJson(router, n));
    expect(nh_list.map(nhShape)).toEqual(nhs.map(nhShape));
    const { itf_list } = await get<{ itf_list: unknown[] }>('/api/dataplane/vrouters/k8s-node1/interfaces');
    expect(itf_list).toEqual(
      [...router.vifs.values()]
        .filter((v) => v.type === 'pod')
        .sort((a, b) => a.index - b.index)
        .map((v) => itfJson(router, v)),
    );
  });

  it('pages routes with a keyset cursor, filters by prefix and next hop, and names what each route is', async () => {
    const all = (
      await get<{ route_list: RouteUcSandeshData[] }>(
        `/api/dataplane/vrouters/k8s-node1/routes?vrf=${podVrf}`,
      )
    ).route_list;
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: RoutePage = await get<RoutePage>(
        `/api/dataplane/vrouters/k8s-node1/routes?vrf=${podVrf}&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.items.length).toBeLessThanOrEqual(3);
      expect(page.total).toBe(all.length);
      expect(page.matched).toBe(all.length);
      seen.push(...page.items.map((i) => `${i.record.src_ip}/${i.record.src_plen}`));
      cursor = page.cursor;
    } while (cursor !== null);
    expect(seen).toEqual(all.map((r) => `${r.src_ip}/${r.src_plen}`));

    const vipRoute = await get<RoutePage>(
      `/api/dataplane/vrouters/k8s-node1/routes?vrf=${podVrf}&prefix=${vip}`,
    );
    // The routes covering the VIP: the default, the service subnet, the VIP itself.
    expect(vipRoute.items.at(-1)!.record.src_ip).toBe(vip);
    expect(vipRoute.items.at(-1)!.names).toMatchObject({
      vip,
      service: 'ns-user-1/service-web-clusterip',
      lb: vipOf(e.sim, 'ns-user-1__service-web-clusterip').uuid,
    });
    const inside = await get<RoutePage>(
      `/api/dataplane/vrouters/k8s-node1/routes?vrf=${podVrf}&prefix=10.47.0.0/16`,
    );
    expect(inside.items.every((i) => i.record.src_ip.startsWith('10.47.') && i.record.src_plen >= 16)).toBe(
      true,
    );
    const client = inside.items.find((i) => i.names.pod === 'ns-user-1/client');
    expect(client?.names.node).toBe('k8s-node1');
    const nh = vipRoute.items.at(-1)!.record.path_list[0]!.nh!.nh_index;
    const byNh = await get<RoutePage>(
      `/api/dataplane/vrouters/k8s-node1/routes?vrf=${podVrf}&nh=${nh}&sort=nh`,
    );
    expect(byNh.items.map((i) => i.record.src_ip)).toContain(vip);
    const desc = await get<RoutePage>(
      `/api/dataplane/vrouters/k8s-node1/routes?vrf=${podVrf}&limit=1&order=desc`,
    );
    expect(`${desc.items[0]!.record.src_ip}/${desc.items[0]!.record.src_plen}`).toBe(
      `${all.at(-1)!.src_ip}/${all.at(-1)!.src_plen}`,
    );
    const bad = await e.ui.inject(
      `/api/dataplane/vrouters/k8s-node1/routes?vrf=${podVrf}&limit=2&cursor=zzz`,
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.json().detail).toMatch(/^query.cursor: must be a cursor from a previous page/);
    expect(
      (await e.ui.inject(`/api/dataplane/vrouters/k8s-node1/routes?vrf=${podVrf}&prefix=10.47`)).json()
        .detail,
    ).toBe('query.prefix: must be an IPv4 address or prefix (got "10.47")');
  });

  it('pages next hops by type and VIP, sorted, each named by what it leads to', async () => {
    const composites = await get<NexthopPage>(
      '/api/dataplane/vrouters/k8s-node1/nexthops?type=composite&limit=50',
    );
    expect(composites.items.length).toBeGreaterThan(0);
    expect(composites.items.every((i) => i.record.type.startsWith('ECMP Composite'))).toBe(true);
    const behind = await get<NexthopPage>(`/api/dataplane/vrouters/k8s-node1/nexthops?vip=${vip}&limit=50`);
    const types = behind.items.map((i) => i.record.type);
    // The VIP's composite; the agent shares one composite between routes with the same components
    // (service-web-clusterip and service-web-lb select the same pods), so it is named after one of
    // the VIPs that lead to it.
    const composite = behind.items.find((i) => i.record.type.startsWith('ECMP Composite'))!;
    const named = composites.items.find((i) => i.record.nh_index === composite.record.nh_index)!;
    expect(named.names.service).toMatch(/^ns-user-1\/service-web-(clusterip|lb)$/);
    expect(named.names.lb).toBeDefined();
    expect(types).toContain('interface');
    expect(types).toContain('tunnel');
    expect(behind.items.find((i) => i.record.type === 'tunnel')!.names.node).toBe('k8s-node2');
    expect(behind.items.find((i) => i.record.type === 'interface')!.names.pod).toMatch(
      /^ns-user-1\/webserver-/,
    );
    const byRefs = await get<NexthopPage>(
      '/api/dataplane/vrouters/k8s-node1/nexthops?sort=refcount&order=desc&limit=100',
    );
    const refs = byRefs.items.map((i) => i.record.ref_count);
    expect(refs).toEqual([...refs].sort((a, b) => b - a));
    const detail = await get<{ nh_list: NhSandeshData[]; names: object }>(
      `/api/dataplane/vrouters/k8s-node1/nexthops/${named.record.nh_index}`,
    );
    expect(detail.nh_list[0]!.mc_list).toEqual(named.record.mc_list);
    expect(detail.names).toEqual(named.names);
  });

  it('pages interfaces with a text filter, naming the pod and its node', async () => {
    const page = await get<InterfacePage>('/api/dataplane/vrouters/k8s-node1/interfaces?q=client&limit=10');
    expect(page.items.map((i) => i.names.pod)).toEqual(['ns-user-1/client']);
    expect(page.items[0]!.names.node).toBe('k8s-node1');
    expect(page.matched).toBe(1);
    expect(page.total).toBe(e.sim.dataplane.router('k8s-node1')!.vifs.size);
  });

  it('traces client → service-web-clusterip:8888 (simulated) and observes the same member in the flow tables', async () => {
    const res = await trace({
      from: 'ns-user-1/client',
      to: vip,
      protocol: 'TCP',
      port: 8888,
      sourcePort: 40001,
    });
    const body = res.json() as TraceView;
    expect(body.mode).toBe('simulated');
    expect(body.sourceNode).toBe('k8s-node1');
    expect(body.ecmp).toMatchObject({ node: 'k8s-node1', slots: 2 });
    expect(body.member!.pod).toMatch(/^ns-user-1\/webserver-/);
    expect(body.member!.port).toBe(80);
    expect(body.observed!.member).toEqual(body.member);
    expect(body.observed!.flows.map((f) => f.action)).toContain('N(DPd)');
    expect(body.agrees).toBe(true);
    const again = (
      await trace({ from: 'ns-user-1/client', to: vip, protocol: 'TCP', port: 8888, sourcePort: 40001 })
    ).json();
    expect(again.reused).toBe(true);
    expect(again.member).toEqual(body.member);
    // A port the Service does not map: predicted and simulated both drop it on the DNAT compute.
    for (const mode of ['predicted', 'simulated'])
      expect(
        (
          await trace({
            from: 'ns-user-1/client',
            to: vip,
            protocol: 'TCP',
            port: 12345,
            sourcePort: 40002,
            mode,
          })
        ).json().dropReason,
      ).toBe('SHORT_PORT_MAP_DROP');
  });

  it(
    'prints every vRouter utility from the kernel records introspect gives (goldens)',
    async () => {
      await expect(await cli(`k8s-node1/cli/rt?vrf=${serviceVrf}`)).toMatchFileSnapshot(
        golden('rt-node1-service-vrf'),
      );
      await expect(await cli(`k8s-node1/cli/rt?vrf=0`)).toMatchFileSnapshot(golden('rt-node1-fabric-vrf'));
      const podRt = await cli(`k8s-node1/cli/rt?vrf=${podVrf}`);
      expect(podRt).toContain('0.0.0.0/8               0                       -              0        -\n');
      await expect(podRt).toMatchFileSnapshot(golden('rt-node1-pod-vrf'));
      await expect(await cli('k8s-node1/cli/nh')).toMatchFileSnapshot(golden('nh-list-node1'));
      const vipRoute = (
        await get<{ route_list: RouteUcSandeshData[] }>(
          `/api/dataplane/vrouters/k8s-node1/routes?vrf=${podVrf}`,
        )
      ).route_list.find((r) => r.src_ip === vip)!;
      await expect(
        await cli(`k8s-node1/cli/nh?id=${vipRoute.path_list[0]!.nh!.nh_index}`),
      ).toMatchFileSnapshot(golden('nh-get-vip-node1'));
      await expect(await cli('k8s-node1/cli/flow')).toMatchFileSnapshot(golden('flow-node1'));
      await expect(await cli('k8s-node2/cli/flow')).toMatchFileSnapshot(golden('flow-node2'));
      await expect(await cli('k8s-node2/cli/mpls')).toMatchFileSnapshot(golden('mpls-node2'));
      await expect(await cli('k8s-node2/cli/vif')).toMatchFileSnapshot(golden('vif-node2'));
      await expect(await cli(`k8s-node1/cli/vrfstats?vrf=${podVrf}`)).toMatchFileSnapshot(
        golden('vrfstats-node1'),
      );
      await expect(await cli('k8s-node1/cli/dropstats')).toMatchFileSnapshot(golden('dropstats-node1'));
    },
    FLOW_WALK_TIMEOUT_MS,
  );

  it(
    'pages the long utility texts (rt, nh --list, flow -l) with the next cursor in x-next-cursor',
    async () => {
      const whole = (await e.ui.inject(`/api/dataplane/vrouters/k8s-node1/cli/rt?vrf=${podVrf}`)).body;
      let text = '';
      let cursor: string | undefined = '0';
      let pages = 0;
      while (cursor !== undefined) {
        const res = await e.ui.inject(
          `/api/dataplane/vrouters/k8s-node1/cli/rt?vrf=${podVrf}&limit=4&cursor=${cursor}`,
        );
        text += res.body;
        cursor = res.headers['x-next-cursor'] as string | undefined;
        pages++;
      }
      expect(text).toBe(whole);
      expect(pages).toBeGreaterThan(1);
      const nhPage = await e.ui.inject('/api/dataplane/vrouters/k8s-node1/cli/nh?limit=2');
      expect(nhPage.body.match(/^Id:/gm)).toHaveLength(2);
      expect(nhPage.headers['x-next-cursor']).toBe('2');
    },
    FLOW_WALK_TIMEOUT_MS,
  );

  it('counts generated flows per member and streams progress as NDJSON when asked', async () => {
    const res = await traffic({ from: 'ns-user-1/client', to: vip, protocol: 'TCP', port: 8888, flows: 200 });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.members).toHaveLength(2);
    expect(body.members.reduce((n: number, m: { flows: number }) => n + m.flows, 0)).toBe(200);
    const streamed = await traffic(
      {
        from: 'ns-user-1/client',
        to: vip,
        protocol: 'TCP',
        port: 8888,
        flows: 20_000,
        firstSourcePort: 60_000,
      },
      { accept: 'application/x-ndjson' },
    );
    expect(streamed.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const lines = streamed.body
      .trim()
      .split('\n')
      .map(
        (l: string) =>
          JSON.parse(l) as {
            progress?: { done: number };
            result?: { sourcePortWraps: number; flows: number };
          },
      );
    const progress = lines.filter((l) => l.progress).map((l) => l.progress!.done);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(lines.at(-1)!.result).toMatchObject({ sourcePortWraps: 1, flows: 20_000 });
  });

  it(
    'pages flows filtered by VIP, pod, Service and port, sorted by packets, with names',
    async () => {
      // Counted on a sort that walks the whole table (index order reads only the first pages).
      const all = await get<FlowPage>('/api/dataplane/vrouters/k8s-node1/flows?sort=bytes&limit=1');
      // KFlowReq leaves evicted entries out (show_evicted=0), as the agent's FlowKState does.
      const router = e.sim.dataplane.router('k8s-node1')!;
      let listed = 0;
      for (let i = router.flows.nextActive(0); i >= 0; i = router.flows.nextActive(i + 1))
        if (!((kflowRow(router, i).fe_flags ?? 0) & VR_FLOW_FLAG_EVICTED)) listed++;
      expect(all.total).toBe(listed);
      // Counted by a sort that walks the whole table (a filter in index order stops at a page).
      const toVip = await get<FlowPage>(
        `/api/dataplane/vrouters/k8s-node1/flows?vip=${vip}&port=8888&sort=bytes&limit=5`,
      );
      expect(toVip.matched).toBeGreaterThan(100);
      for (const f of toVip.items) {
        expect([f.record.dip, f.record.sip]).toContain(vip);
        expect(f.names).toMatchObject({
          pod: 'ns-user-1/client',
          service: 'ns-user-1/service-web-clusterip',
          vip,
        });
      }
      const byService = await get<FlowPage>(
        '/api/dataplane/vrouters/k8s-node1/flows?service=ns-user-1/service-web-clusterip&sort=bytes&limit=1',
      );
      // Every port of the Service's VIP (the trace above also sent one packet to port 12345).
      const anyPort = await get<FlowPage>(
        `/api/dataplane/vrouters/k8s-node1/flows?vip=${vip}&sort=bytes&limit=1`,
      );
      expect(anyPort.matched).toBeGreaterThan(toVip.matched!);
      expect(byService.matched).toBe(anyPort.matched);
      const byPod = await get<FlowPage>(
        '/api/dataplane/vrouters/k8s-node1/flows?pod=ns-user-1/client&sort=bytes&limit=1',
      );
      expect(byPod.matched).toBeGreaterThanOrEqual(toVip.matched!);
      const busiest = await get<FlowPage>(
        '/api/dataplane/vrouters/k8s-node1/flows?sort=packets&order=desc&limit=20',
      );
      const pkts = busiest.items.map((i) => i.record.pkts);
      expect(pkts).toEqual([...pkts].sort((a, b) => b - a));
      expect(
        (await e.ui.inject('/api/dataplane/vrouters/k8s-node1/flows?pod=ns-user-1/ghost&limit=1')).statusCode,
      ).toBe(404);
    },
    FLOW_WALK_TIMEOUT_MS,
  );

  it(
    'draws the VIP across every compute: routes, slots with members and labels, flow shares',
    async () => {
      const { uuid } = vipOf(e.sim, 'ns-user-1__service-web-clusterip');
      const topo = await get<VipTopology>(`/api/dataplane/topology?vip=${vip}&port=8888`);
      expect(topo.lb).toEqual({ uuid, displayName: 'ns-user-1__service-web-clusterip' });
      expect(topo.hashFields).toBeNull();
      expect(topo.computes.map((c) => [c.node, c.reachable])).toEqual([
        ['k8s-node1', true],
        ['k8s-node2', true],
      ]);
      for (const c of topo.computes) {
        const router = e.sim.dataplane.router(c.node)!;
        const nh = router.nh.get(c.route!.nhId)!;
        expect(nh.type).toBe('composite');
        expect(c.composite!.slots.map((s) => s.kind)).toEqual(
          (nh.type === 'composite' ? nh.components : []).map((x) => x?.kind ?? 'hole'),
        );
        const local = c.composite!.slots.find((s) => s.kind === 'interface')!;
        expect(local.kind === 'interface' && local.names.pod).toMatch(/^ns-user-1\/webserver-/);
        expect(local.kind === 'interface' && local.member).toMatch(/^[0-9a-f-]{36}$/);
        const tunnel = c.composite!.slots.find((s) => s.kind === 'tunnel')!;
        expect(tunnel.kind === 'tunnel' && tunnel.node).toBe(
          c.node === 'k8s-node1' ? 'k8s-node2' : 'k8s-node1',
        );
      }
      const node1 = topo.computes[0]!;
      // The traffic above went from node1's client: every flow to the VIP took one of its slots.
      const shares = node1.composite!.slots.map((s) => (s.kind === 'hole' ? 0 : s.share));
      expect(node1.flows).toBeGreaterThan(0);
      expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
      expect((await get<VipTopology>(`/api/dataplane/topology?lb=${uuid}`)).vip).toBe(vip);
      expect((await e.ui.inject('/api/dataplane/topology')).statusCode).toBe(400);
      expect(
        (await e.ui.inject('/api/dataplane/topology?lb=00000000-0000-4000-8000-00000000dead')).statusCode,
      ).toBe(404);
    },
    FLOW_WALK_TIMEOUT_MS,
  );

  it(
    'answers bad input with 400 and unknown objects with 404',
    async () => {
      expect((await trace({ from: 'client', to: vip, protocol: 'TCP', port: 8888 })).statusCode).toBe(400);
      expect(
        (await trace({ from: 'ns-user-1/client', to: 'nope', protocol: 'TCP', port: 8888 })).statusCode,
      ).toBe(400);
      expect(
        (
          await trace({ from: 'ns-user-1/client', to: vip, protocol: 'TCP', port: 8888, mode: 'guess' })
        ).json().detail,
      ).toBe('body.mode: must be "predicted" or "simulated" (got "guess")');
      const missing = await trace({ from: 'ns-user-1/ghost', to: vip, protocol: 'TCP', port: 8888 });
      expect(missing.statusCode).toBe(404);
      expect(missing.json().detail).toBe('pod ns-user-1/ghost has no interface on any vRouter');
      const predicted = await trace({
        from: 'ns-user-1/ghost',
        to: vip,
        protocol: 'TCP',
        port: 8888,
        mode: 'predicted',
      });
      expect(predicted.json().detail).toBe('pod ns-user-1/ghost has no interface in the config API');
      const badTraffic = await traffic({
        from: 'ns-user-1/client',
        to: vip,
        protocol: 'TCP',
        port: 8888,
        flows: 2_000_000,
      });
      expect(badTraffic.statusCode).toBe(400);
      expect(badTraffic.json().detail).toBe('body.flows: must be an integer from 1 to 1000000 (got 2000000)');
      expect(
        (await traffic({ from: 'ns-user-1/ghost', to: vip, protocol: 'TCP', port: 8888, flows: 5 }))
          .statusCode,
      ).toBe(404);
      const nowhere = await e.ui.inject('/api/dataplane/vrouters/nowhere/vrfs');
      expect(nowhere.statusCode).toBe(404);
      expect(nowhere.json().detail).toBe('no compute nowhere; computes: k8s-node1, k8s-node2');
      expect((await e.ui.inject('/api/dataplane/vrouters/k8s-node1/routes')).statusCode).toBe(400);
      expect((await e.ui.inject('/api/dataplane/vrouters/k8s-node1/routes?vrf=99')).statusCode).toBe(404);
      expect((await e.ui.inject('/api/dataplane/vrouters/k8s-node1/nexthops/x')).statusCode).toBe(400);
      expect((await e.ui.inject('/api/dataplane/vrouters/k8s-node1/nexthops/9999')).statusCode).toBe(404);
      expect((await e.ui.inject('/api/dataplane/vrouters/k8s-node1/cli/nh?id=9999')).statusCode).toBe(404);
      expect((await e.ui.inject('/api/dataplane/vrouters/k8s-node1/cli/vrfstats?vrf=99')).statusCode).toBe(
        404,
      );
      expect((await e.ui.inject('/api/dataplane/vrouters/nowhere/cli/dropstats')).statusCode).toBe(404);
    },
    FLOW_WALK_TIMEOUT_MS,
  );
});

describe('a compute that does not answer', () => {
  it(
    'is listed unreachable with the reason; the other computes keep working',
    async () => {
      const endpoints = e.sim.ports.introspect!();
      // A listener of our own for k8s-node2, stopped: its port refuses connections.
      const stopped = await listenIntrospect(
        { router: () => undefined, controlNode: () => '', connectedSince: () => 0, now: () => 0 },
        { port: 0 },
      );
      await stopped.close();
      const partial = await startEmbedded({
        ui: {
          dataplane: {
            introspect: () =>
              endpoints.map((p) =>
                p.name === 'k8s-node2' ? { ...p, url: `http://127.0.0.1:${stopped.port}` } : p,
              ),
          },
        },
      });
      try {
        const { vrouters } = (await partial.ui.inject('/api/dataplane/vrouters')).json() as ComputeList;
        const [node1, node2] = vrouters;
        expect(node1).toMatchObject({ name: 'k8s-node1', reachable: true, error: null });
        expect(node2).toMatchObject({ name: 'k8s-node2', reachable: false, summary: null, asOf: null });
        expect(node2!.error).toContain('ECONNREFUSED');
        const routes = await partial.ui.inject(
          `/api/dataplane/vrouters/k8s-node1/routes?vrf=${podVrf}&limit=5`,
        );
        expect(routes.statusCode).toBe(200);
        const down = await partial.ui.inject(
          `/api/dataplane/vrouters/k8s-node2/routes?vrf=${podVrf}&limit=5`,
        );
        expect(down.statusCode).toBe(502);
        expect(down.json().detail).toMatch(
          /^compute k8s-node2 \(http:\/\/127\.0\.0\.1:\d+\): http:\/\/127\.0\.0\.1:\d+ is unreachable: ECONNREFUSED/,
        );
        const topo = (await partial.ui.inject(`/api/dataplane/topology?vip=${vip}`)).json() as VipTopology;
        expect(topo.computes.map((c) => [c.node, c.reachable])).toEqual([
          ['k8s-node1', true],
          ['k8s-node2', false],
        ]);
        expect(topo.computes[0]!.composite!.slots.length).toBe(2);
      } finally {
        await partial.close();
      }
    },
    FLOW_WALK_TIMEOUT_MS,
  );
});

describe('without the simulation (a real cluster)', () => {
  it('answers 501 for what needs the packet path, predicts traces, and says so in /api/info', async () => {
    // The same computes and config API, but no packet path: what a real cluster gives.
    const ui = await buildUiServer({
      configApiUrl: e.configApiUrl,
      dataplane: { introspect: e.sim.ports.introspect! },
    });
    try {
      const info = (await ui.inject('/api/info')).json();
      expect(info.capabilities).toEqual({
        simulate: false,
        scale: false,
        readiness: false,
        pauseKubeManager: false,
      });
      const res = await ui.inject({
        method: 'POST',
        url: '/api/dataplane/traffic',
        payload: { from: 'ns-user-1/client', to: vip, protocol: 'TCP', port: 8888, flows: 5 },
      });
      expect(res.statusCode).toBe(501);
      expect(res.json().detail).toMatch(/needs the embedded simulation/);
      const simulated = await ui.inject({
        method: 'POST',
        url: '/api/dataplane/trace',
        payload: { from: 'ns-user-1/client', to: vip, protocol: 'TCP', port: 8888, mode: 'simulated' },
      });
      expect(simulated.statusCode).toBe(501);
      const predicted = (
        await ui.inject({
          method: 'POST',
          url: '/api/dataplane/trace',
          payload: { from: 'ns-user-1/client', to: vip, protocol: 'TCP', port: 8888 },
        })
      ).json() as TraceView;
      expect(predicted.mode).toBe('predicted');
      expect(predicted.member!.pod).toMatch(/^ns-user-1\/webserver-/);
    } finally {
      await ui.close();
    }
  });
});

describe('the prediction from introspect names the simulated packet’s member', () => {
  let scaled: Embedded;
  beforeAll(async () => {
    scaled = await startEmbedded();
    const members = scaled.sim.store.count('loadbalancer-member');
    // The scheduler puts the third replica on the compute with the fewest pods: node2.
    scaled.sim.cluster.scaleDeployment('ns-user-1', 'webserver', 3);
    await until(
      () => scaled.sim.store.count('loadbalancer-member') === members + 4,
      'the third pod is a member',
    );
  });
  afterAll(() => scaled.close());

  it('for 300 5-tuples over three VIPs and ports, incl. 1 backend on node1 and 2 on node2', async () => {
    const targets = [
      { vip: vipOf(scaled.sim, 'ns-user-1__service-web-clusterip').vip, port: 8888 },
      { vip: vipOf(scaled.sim, 'ns-user-1__service-web-clusterip-mp').vip, port: 8888 },
      { vip: vipOf(scaled.sim, 'ns-user-1__service-web-clusterip-mp').vip, port: 9999 },
    ];
    const run = (mode: string, to: string, port: number, sourcePort: number) =>
      scaled.ui
        .inject({
          method: 'POST',
          url: '/api/dataplane/trace',
          payload: { from: 'ns-user-1/client', to, protocol: 'TCP', port, sourcePort, mode },
        })
        .then((r) => r.json() as TraceView);
    let twoPicks = 0;
    const byNode = new Map<string, number>();
    for (const [t, target] of targets.entries())
      for (let i = 0; i < 100; i++) {
        const sourcePort = 20_000 + t * 1000 + i;
        const predicted = await run('predicted', target.vip, target.port, sourcePort);
        const simulated = await run('simulated', target.vip, target.port, sourcePort);
        expect(predicted.member, `${target.vip}:${target.port} from ${sourcePort}`).toEqual(simulated.member);
        expect(predicted.ecmpPicks.map((p) => [p.node, p.nexthopId, p.slot, p.hash])).toEqual(
          simulated.ecmpPicks.map((p) => [p.node, p.nexthopId, p.slot, p.hash]),
        );
        expect(simulated.agrees).toBe(true);
        if (predicted.ecmpPicks.length === 2) twoPicks++;
        byNode.set(predicted.member!.node, (byNode.get(predicted.member!.node) ?? 0) + 1);
      }
    // Both computes served, and the flows to node2 picked twice (node1's composite, then node2's local one).
    expect(twoPicks).toBeGreaterThan(50);
    expect([...byNode.keys()].sort()).toEqual(['k8s-node1', 'k8s-node2']);
  }, 120_000);
});
