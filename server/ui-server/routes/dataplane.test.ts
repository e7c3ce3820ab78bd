import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@server/clock.ts';
import { sequentialIds } from '@server/ids.ts';
import { until } from '@server/testing/until.ts';
import { startSimulation, type Simulation } from '@server/simulation.ts';
import { dataplaneRoutes } from './dataplane.ts';

// The seed scenario behind /api/dataplane. The CLI goldens live in dataplane.golden/ and are
// regenerated with `npx vitest run server/ui-server/routes/dataplane.test.ts -u` when the seed
// changes (pod addresses come from the cluster's allocator).

let sim: Simulation;
let app: ReturnType<typeof Fastify>;
let vip: string;
let podVrf: number;
let serviceVrf: number;

beforeAll(async () => {
  sim = await startSimulation({ clock: new ManualClock(), ids: sequentialIds() });
  app = Fastify();
  await app.register(dataplaneRoutes(sim.dataplane), { prefix: '/api/dataplane' });
  const lb = [...sim.store.all('loadbalancer')].find(
    (o) => o.displayName === 'ns-user-1__service-web-clusterip',
  )!;
  vip = (lb.props.loadbalancer_properties as { vip_address: string }).vip_address;
  const vrfs = (await app.inject('/api/dataplane/vrouters/k8s-node1/vrfs')).json().vrf_list as {
    name: string;
    ucindex: number;
  }[];
  podVrf = vrfs.find((v) => v.name.endsWith('k8s-default-pod-network'))!.ucindex;
  serviceVrf = vrfs.find((v) => v.name.endsWith('k8s-default-service-network'))!.ucindex;
});

afterAll(async () => {
  await app.close();
  await sim.stop();
});

const trace = (body: object) => app.inject({ method: 'POST', url: '/api/dataplane/trace', payload: body });
const traffic = (body: object, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/api/dataplane/traffic', payload: body, headers });
const golden = (name: string) => `./dataplane.golden/${name}.txt`;

describe('/api/dataplane on the seed scenario', () => {
  it('lists one vRouter per compute node', async () => {
    const res = await app.inject('/api/dataplane/vrouters');
    expect(res.statusCode).toBe(200);
    const names = res.json().vrouters.map((v: { name: string; ip: string }) => `${v.name} ${v.ip}`);
    expect(names).toEqual(['k8s-node1 10.85.188.20', 'k8s-node2 10.85.188.21']);
  });

  it('traces client → service-web-clusterip:8888 to a webserver pod on port 80, and reuses the flow', async () => {
    const body = (
      await trace({ from: 'ns-user-1/client', to: vip, protocol: 'TCP', port: 8888, sourcePort: 40001 })
    ).json();
    expect(body.sourceNode).toBe('k8s-node1');
    expect(body.ecmp).toMatchObject({ node: 'k8s-node1', slots: 2 });
    expect(body.ecmpPicks[0]).toEqual(body.ecmp);
    expect(body.whatIf).toBeNull();
    expect(body.member.pod).toMatch(/^ns-user-1\/webserver-/);
    expect(body.member.port).toBe(80);
    expect(body.dropReason).toBeNull();
    const again = (
      await trace({ from: 'ns-user-1/client', to: vip, protocol: 'TCP', port: 8888, sourcePort: 40001 })
    ).json();
    expect(again.reused).toBe(true);
    expect(again.member).toEqual(body.member);
    expect(again.flows.map((f: { index: number }) => f.index)).toEqual(
      body.flows.map((f: { index: number }) => f.index),
    );
  });

  it('prints every vRouter CLI command exactly as the vRouter utilities (goldens)', async () => {
    // A port the Service does not map: a short flow and a Flow Action Drop for dropstats.
    const dropped = (
      await trace({ from: 'ns-user-1/client', to: vip, protocol: 'TCP', port: 12345, sourcePort: 40002 })
    ).json();
    expect(dropped.dropReason).toBe('SHORT_PORT_MAP_DROP');
    const cli = async (path: string) => {
      const res = await app.inject(`/api/dataplane/vrouters/${path}`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      return res.body;
    };
    await expect(await cli(`k8s-node1/cli/rt?vrf=${serviceVrf}`)).toMatchFileSnapshot(
      golden('rt-node1-service-vrf'),
    );
    await expect(await cli(`k8s-node1/cli/rt?vrf=0`)).toMatchFileSnapshot(golden('rt-node1-fabric-vrf'));
    const podRt = await cli(`k8s-node1/cli/rt?vrf=${podVrf}`);
    // Every mtrie entry: default drop ranges, the IPAM subnet, gateway and pod routes.
    expect(podRt).toContain('0.0.0.0/8               0                       -              0        -\n');
    await expect(podRt).toMatchFileSnapshot(golden('rt-node1-pod-vrf'));
    await expect(await cli('k8s-node1/cli/nh')).toMatchFileSnapshot(golden('nh-list-node1'));
    const vipRoute = (await app.inject(`/api/dataplane/vrouters/k8s-node1/routes?vrf=${podVrf}`))
      .json()
      .route_list.find((r: { src_ip: string }) => r.src_ip === vip);
    await expect(await cli(`k8s-node1/cli/nh?id=${vipRoute.path_list[0].nh.nh_index}`)).toMatchFileSnapshot(
      golden('nh-get-vip-node1'),
    );
    await expect(await cli('k8s-node1/cli/flow')).toMatchFileSnapshot(golden('flow-node1'));
    await expect(await cli('k8s-node2/cli/flow')).toMatchFileSnapshot(golden('flow-node2'));
    await expect(await cli('k8s-node2/cli/mpls')).toMatchFileSnapshot(golden('mpls-node2'));
    await expect(await cli('k8s-node2/cli/vif')).toMatchFileSnapshot(golden('vif-node2'));
    await expect(await cli(`k8s-node1/cli/vrfstats?vrf=${podVrf}`)).toMatchFileSnapshot(
      golden('vrfstats-node1'),
    );
    await expect(await cli('k8s-node1/cli/dropstats')).toMatchFileSnapshot(golden('dropstats-node1'));
  });

  it('pages next hops, routes and flows with limit and cursor', async () => {
    const all = (await app.inject('/api/dataplane/vrouters/k8s-node1/nexthops')).json().nh_list;
    const ids: number[] = [];
    let cursor: number | null = 0;
    while (cursor !== null) {
      const pageOf: { nh_list: { nh_index: number }[]; next_cursor: number | null } = (
        await app.inject(`/api/dataplane/vrouters/k8s-node1/nexthops?limit=3&cursor=${cursor}`)
      ).json();
      expect(pageOf.nh_list.length).toBeLessThanOrEqual(3);
      ids.push(...pageOf.nh_list.map((n) => n.nh_index));
      cursor = pageOf.next_cursor;
    }
    expect(ids).toEqual(all.map((n: { nh_index: number }) => n.nh_index));
    const routes = (
      await app.inject(`/api/dataplane/vrouters/k8s-node1/routes?vrf=${podVrf}&limit=2`)
    ).json();
    expect(routes.route_list).toHaveLength(2);
    expect(routes.next_cursor).toBe(2);
    const flows = (await app.inject('/api/dataplane/vrouters/k8s-node1/flows?limit=1')).json();
    expect(flows.flow_list).toHaveLength(1);
    const rest = (
      await app.inject(`/api/dataplane/vrouters/k8s-node1/flows?cursor=${flows.next_cursor}`)
    ).json();
    expect(rest.flow_list[0].index).toBe(flows.next_cursor);
    expect(rest.flow_list[0].index).toBeGreaterThan(flows.flow_list[0].index);
    expect((await app.inject('/api/dataplane/vrouters/k8s-node1/flows?limit=0')).statusCode).toBe(400);
    // Filters: next hops by type, routes by address prefix, flows by address or port.
    const composites = (await app.inject('/api/dataplane/vrouters/k8s-node1/nexthops?type=composite')).json();
    expect(composites.nh_list.length).toBeGreaterThan(0);
    for (const n of composites.nh_list) expect(n.type).toMatch(/^ECMP Composite/);
    const pods = (
      await app.inject(`/api/dataplane/vrouters/k8s-node1/routes?vrf=${podVrf}&prefix=10.47.`)
    ).json();
    expect(pods.route_list.length).toBeGreaterThan(0);
    for (const r of pods.route_list) expect(r.src_ip.startsWith('10.47.')).toBe(true);
    const toVip = (await app.inject(`/api/dataplane/vrouters/k8s-node1/flows?ip=${vip}&port=8888`)).json();
    expect(toVip.flow_list.length).toBeGreaterThan(0);
    for (const f of toVip.flow_list) expect([f.sip, f.dip]).toContain(vip);
    expect((await app.inject('/api/dataplane/vrouters/k8s-node1/nexthops?type=vlan')).json().detail).toBe(
      '"type" must be one of discard, receive, interface, tunnel, composite',
    );
    expect(
      (await app.inject(`/api/dataplane/vrouters/k8s-node1/routes?vrf=${podVrf}&prefix=x`)).statusCode,
    ).toBe(400);
    expect((await app.inject('/api/dataplane/vrouters/k8s-node1/flows?ip=nope')).statusCode).toBe(400);
  });

  it('counts generated flows per member and streams progress as NDJSON when asked', async () => {
    const res = await traffic({ from: 'ns-user-1/client', to: vip, protocol: 'TCP', port: 8888, flows: 200 });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.members).toHaveLength(2);
    expect(body.members.reduce((n: number, m: { flows: number }) => n + m.flows, 0)).toBe(200);
    for (const m of body.members) expect(m.port).toBe(80);
    expect(body.sourcePortWraps).toBe(0);

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
    type Line = {
      progress?: { done: number; total: number };
      result?: { sourcePortWraps: number; flows: number };
    };
    const lines: Line[] = streamed.body
      .trim()
      .split('\n')
      .map((l: string) => JSON.parse(l) as Line);
    const progress = lines.filter((l) => l.progress).map((l) => l.progress!.done);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    const result = lines.at(-1)!.result!;
    // 20k ports from 60000 run past 65535 once: the wrap is reported and its flows are reused.
    expect(result.sourcePortWraps).toBe(1);
    expect(result.flows).toBe(20_000);
  });

  it('answers bad input with 400 and unknown objects with 404', async () => {
    expect((await trace({ from: 'client', to: vip, protocol: 'TCP', port: 8888 })).statusCode).toBe(400);
    expect(
      (await trace({ from: 'ns-user-1/client', to: 'nope', protocol: 'TCP', port: 8888 })).statusCode,
    ).toBe(400);
    expect((await trace({ from: 'ns-user-1/client', to: vip, protocol: 'GRE', port: 8888 })).statusCode).toBe(
      400,
    );
    expect(
      (await trace({ from: 'ns-user-1/client', to: vip, protocol: 'TCP', port: 70000 })).statusCode,
    ).toBe(400);
    const missing = await trace({ from: 'ns-user-1/ghost', to: vip, protocol: 'TCP', port: 8888 });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().detail).toBe('pod ns-user-1/ghost has no interface on any vRouter');
    const badTraffic = await traffic({
      from: 'ns-user-1/client',
      to: vip,
      protocol: 'TCP',
      port: 8888,
      flows: 2_000_000,
    });
    expect(badTraffic.statusCode).toBe(400);
    expect(badTraffic.json().detail).toBe('"flows" must be an integer 1-1000000');
    expect(
      (await traffic({ from: 'ns-user-1/ghost', to: vip, protocol: 'TCP', port: 8888, flows: 5 })).statusCode,
    ).toBe(404);
    expect((await app.inject('/api/dataplane/vrouters/nowhere/vrfs')).statusCode).toBe(404);
    expect((await app.inject('/api/dataplane/vrouters/k8s-node1/routes')).statusCode).toBe(400);
    expect((await app.inject('/api/dataplane/vrouters/k8s-node1/routes?vrf=99')).statusCode).toBe(404);
    expect((await app.inject('/api/dataplane/vrouters/k8s-node1/nexthops/x')).statusCode).toBe(400);
    expect((await app.inject('/api/dataplane/vrouters/k8s-node1/nexthops/9999')).statusCode).toBe(404);
    expect((await app.inject('/api/dataplane/vrouters/k8s-node1/cli/nh?id=9999')).statusCode).toBe(404);
    expect((await app.inject('/api/dataplane/vrouters/k8s-node1/cli/vrfstats?vrf=99')).statusCode).toBe(404);
    expect((await app.inject('/api/dataplane/vrouters/nowhere/cli/dropstats')).statusCode).toBe(404);
  });
});

type Scaled = { sim: Simulation; app: ReturnType<typeof Fastify>; vip: string };
const traceOn = (s: Scaled, body: object) =>
  s.app.inject({ method: 'POST', url: '/api/dataplane/trace', payload: body });
const trafficOn = (s: Scaled, body: object) =>
  s.app.inject({ method: 'POST', url: '/api/dataplane/traffic', payload: body });

describe('/api/dataplane with the webserver Deployment scaled to 3 (1 pod on node1, 2 on node2)', () => {
  let scaled: Scaled;

  beforeAll(async () => {
    const scaledSim = await startSimulation({ clock: new ManualClock(), ids: sequentialIds() });
    const members = scaledSim.store.count('loadbalancer-member');
    // The scheduler puts the third replica on the compute with the fewest pods: node2.
    scaledSim.cluster.scaleDeployment('ns-user-1', 'webserver', 3);
    // kube-manager follows the cluster over its loopback watch: one member more per Service port
    // that selects the webserver (1 + 2 + 1).
    await until(
      () => scaledSim.store.count('loadbalancer-member') === members + 4,
      'the third pod is a member',
    );
    const scaledApp = Fastify();
    await scaledApp.register(dataplaneRoutes(scaledSim.dataplane), { prefix: '/api/dataplane' });
    const lb = [...scaledSim.store.all('loadbalancer')].find(
      (o) => o.displayName === 'ns-user-1__service-web-clusterip',
    )!;
    scaled = {
      sim: scaledSim,
      app: scaledApp,
      vip: (lb.props.loadbalancer_properties as { vip_address: string }).vip_address,
    };
  });

  afterAll(async () => {
    await scaled.app.close();
    await scaled.sim.stop();
  });

  it('picks twice for a flow to node2 (node1 composite, then node2 local composite)', async () => {
    let body: { member: { node: string }; ecmpPicks: { node: string; slots: number; nexthopId: number }[] };
    for (let sport = 41000; ; sport++) {
      body = (
        await traceOn(scaled, {
          from: 'ns-user-1/client',
          to: scaled.vip,
          protocol: 'TCP',
          port: 8888,
          sourcePort: sport,
        })
      ).json();
      if (body.member.node === 'k8s-node2') break;
    }
    expect(body.ecmpPicks.map((p: { node: string; slots: number }) => [p.node, p.slots])).toEqual([
      ['k8s-node1', 2],
      ['k8s-node2', 2],
    ]);
    const nh = (
      await scaled.app.inject(`/api/dataplane/vrouters/k8s-node2/nexthops/${body.ecmpPicks[1]!.nexthopId}`)
    ).json().nh_list[0];
    expect(nh).toMatchObject({ type: 'ECMP Composite sub nh count: 2', local_ecmp: 'true' });
  });

  it('splits the seed 50 / 25 / 25 (1 backend on node1, 2 on node2) over 10k flows', async () => {
    const res = await trafficOn(scaled, {
      from: 'ns-user-1/client',
      to: scaled.vip,
      protocol: 'TCP',
      port: 8888,
      flows: 10_000,
      sourcePorts: 'random',
    });
    const body = res.json();
    expect(body.dropped).toBe(0);
    const byNode = body.members.map((m: { node: string; flows: number }) => [m.node, m.flows / 10_000]);
    const node1 = byNode.filter(([n]: [string]) => n === 'k8s-node1');
    const node2 = byNode.filter(([n]: [string]) => n === 'k8s-node2');
    expect(node1).toHaveLength(1);
    expect(node2).toHaveLength(2);
    expect(Math.abs(node1[0][1] - 0.5)).toBeLessThanOrEqual(0.02);
    for (const [, share] of node2) expect(Math.abs(share - 0.25)).toBeLessThanOrEqual(0.02);
  });
});
