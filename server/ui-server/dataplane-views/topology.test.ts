import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type {
  ComputeTopology,
  TopologyComposite,
  TopologySlot,
  VipTopology,
} from '@model/api/dataplane-views.ts';
import { podKeyOfVmName } from '@model/contrail/names.ts';
import { formatIpv4 } from '@model/net/ipv4.ts';
import { AgentIntrospect } from '@server/introspect-client/agent.ts';
import { IntrospectClient } from '@server/introspect-client/client.ts';
import { until } from '@server/testing/until.ts';
import { ConfigApiClient } from '../config-api-client.ts';
import { startEmbedded, type Embedded } from '../testing/embedded.ts';
import { podVrfName } from './vip-route.ts';

// The topology reads only what one VIP needs (the VIP's route, its composites, the slots'
// interfaces and labels, the flows filed under the VIP's route), and answers exactly what reading
// every compute's whole tables answers. The reference below reads the whole interface, VRF,
// route, kernel next-hop, MPLS and kernel flow tables of every compute through the same
// introspect and draws the VIP from them on its own.

let e: Embedded;
/** Every introspect request the UI server sent, with its parameters. */
let sent: { base: string; name: string; params: Record<string, unknown> }[] = [];
/** Every config API list the UI server made: the collection and its query. */
let listed: { type: string; params: Record<string, string> }[] = [];
/** A request the agents answer with an error, as an agent that does not know it does. */
let refused: string | null = null;

const originalRequest = IntrospectClient.prototype.request;
const originalListDetail = ConfigApiClient.prototype.listDetail;
const originalListFields = ConfigApiClient.prototype.listFields;

beforeAll(async () => {
  e = await startEmbedded();
  const members = e.sim.store.count('loadbalancer-member');
  // A third replica lands on node2, which then has two backends: a local ECMP composite there.
  e.sim.cluster.scaleDeployment('ns-user-1', 'webserver', 3);
  await until(() => e.sim.store.count('loadbalancer-member') === members + 4, 'the third pod is a member');
  vi.spyOn(IntrospectClient.prototype, 'request').mockImplementation(function (
    this: IntrospectClient,
    base,
    def,
    params = {},
  ) {
    sent.push({ base, name: def.name, params });
    if (def.name === refused) return Promise.reject(new Error(`${def.name}: no such request`));
    return originalRequest.call(this, base, def, params);
  });
  vi.spyOn(ConfigApiClient.prototype, 'listDetail').mockImplementation(function (
    this: ConfigApiClient,
    type,
    params,
  ) {
    listed.push({ type, params });
    return originalListDetail.call(this, type, params);
  });
  vi.spyOn(ConfigApiClient.prototype, 'listFields').mockImplementation(function (
    this: ConfigApiClient,
    type,
    fields,
  ) {
    listed.push({ type, params: { fields: fields.join(',') } });
    return originalListFields.call(this, type, fields);
  });
});

afterEach(() => {
  refused = null;
  sent = [];
  listed = [];
});

afterAll(async () => {
  vi.restoreAllMocks();
  await e.close();
});

const lbOf = (name: string) => {
  const lb = [...e.sim.store.all('loadbalancer')].find((o) => o.displayName === name)!;
  return { uuid: lb.uuid, vip: (lb.props.loadbalancer_properties as { vip_address: string }).vip_address };
};

/** Drops the UI server's snapshots, as any config change does: the next read is cold. */
let touches = 0;
function dropSnapshots() {
  const project = e.sim.store.all('project').next().value!;
  // A name it never had before: an update to the same value changes nothing and drops nothing.
  e.sim.store.update('project', project.uuid, { display_name: `${project.fqName.at(-1)!} ${++touches}` });
}

async function narrow(vip: string, port: number): Promise<VipTopology> {
  dropSnapshots();
  const res = await e.ui.inject(`/api/dataplane/topology?vip=${vip}&port=${port}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as VipTopology;
}

async function traffic(to: string, port: number, flows: number, firstSourcePort: number) {
  const res = await e.ui.inject({
    method: 'POST',
    url: '/api/dataplane/traffic',
    payload: { from: 'ns-user-1/client', to, protocol: 'TCP', port, flows, firstSourcePort },
  });
  expect(res.statusCode, res.body).toBe(200);
}

/** Pool member uuid by member VMI, from the config objects (kube-manager's `vmi` annotation). */
function membersByVmi(lbUuid: string, port: number): Map<string, string> {
  const out = new Map<string, string>();
  for (const { object: listener } of e.sim.store.backRefs(lbUuid, 'loadbalancer-listener')) {
    const props = listener.props.loadbalancer_listener_properties as { protocol_port?: number } | undefined;
    if (props?.protocol_port !== port) continue;
    for (const { object: pool } of e.sim.store.backRefs(listener.uuid, 'loadbalancer-pool'))
      for (const m of e.sim.store.children(pool.uuid, 'loadbalancer-member')) {
        const vmi = m.annotations?.find((a) => a.key === 'vmi')?.value;
        if (vmi && !out.has(vmi)) out.set(vmi, m.uuid);
      }
  }
  return out;
}

/** The VIP on every compute, from each compute's whole tables (what the topology read before). */
async function fromWholeTables(vip: string, port: number, members: Map<string, string>) {
  const client = new IntrospectClient({ allows: () => true });
  try {
    const endpoints = e.sim.ports.introspect!();
    const agent = (name: string) =>
      new AgentIntrospect(client, endpoints.find((p) => p.name === name)!.url, name);
    const nodeOfIp = new Map(
      [...e.sim.dataplane.routers.values()].map((r) => [formatIpv4(r.ip), r.name] as const),
    );
    const out: Partial<ComputeTopology>[] = [];
    for (const { name } of endpoints) {
      const a = agent(name);
      const [itfs, vrfs, flows, knhs] = await Promise.all([a.interfaces(), a.vrfs(), a.kflows(), a.knhs()]);
      const podVrf = podVrfName(itfs.items);
      const order = [...vrfs.items].sort((x, y) => Number(y.name === podVrf) - Number(x.name === podVrf));
      let route;
      for (const v of order) {
        route = (await a.routes(v.ucindex)).items.find((r) => r.src_ip === vip && r.src_plen === 32);
        if (route) break;
      }
      const toVip = flows.filter((f) => f.dip === vip && f.dport === port && f.ecmp_index !== undefined);
      const composite = async (nhIndex: number, counted: boolean) => {
        const nh = (await a.nexthops()).items.find((n) => n.nh_index === nhIndex)!;
        const knh = knhs.find((k) => k.id === nhIndex);
        const slots = await Promise.all(
          (nh.mc_list ?? []).map(async (m, slot): Promise<Partial<TopologySlot>> => {
            const nhId = knh?.component_nh?.[slot]?.nh_id ?? -1;
            const n = counted ? toVip.filter((f) => f.ecmp_index === slot).length : 0;
            const share = counted && toVip.length > 0 ? n / toVip.length : 0;
            if (m.type === 'Interface') {
              const itf = itfs.items.find((i) => i.label === m.label)!;
              const pod = podKeyOfVmName(itf.vm_name);
              return {
                slot,
                kind: 'interface',
                names: pod ? { pod, vmi: itf.uuid, node: name } : { vmi: itf.uuid, node: name },
                nhId,
                label: m.label,
                itf: m.itf,
                member: members.get(itf.uuid) ?? null,
                flows: n,
                share,
              };
            }
            if (m.type === 'Tunnel') {
              const remote = nodeOfIp.get(m.dip!)!;
              const target = (await agent(remote).mpls()).items.find((l) => l.label === m.label);
              const localEcmp = target?.nh.type.startsWith('ECMP Composite') ?? false;
              return {
                slot,
                kind: 'tunnel',
                nhId,
                label: m.label,
                dip: m.dip,
                node: remote,
                localEcmp,
                flows: n,
                share,
              };
            }
            return { slot, kind: 'hole' };
          }),
        );
        return { nhId: nhIndex, slots };
      };
      const path = route?.path_list[0];
      const local = route?.path_list.find((p) => p !== path && p.nh.type.startsWith('ECMP Composite'));
      out.push({
        node: name,
        ip: [...e.sim.dataplane.routers.values()].find((r) => r.name === name)!.ipText,
        reachable: true,
        error: null,
        flows: toVip.length,
        route: route && path ? { vrf: route.src_vrf, nhId: path.nh.nh_index, nhType: path.nh.type } : null,
        composite: path ? await composite(path.nh.nh_index, true) : null,
        localComposite: local ? { ...(await composite(local.nh.nh_index, false)), label: local.label } : null,
      } as Partial<ComputeTopology>);
    }
    return out;
  } finally {
    await client.close();
  }
}

const composite = ({ hashFields: _fields, ...rest }: TopologyComposite) => rest;

/** What the reference draws, from the narrow answer: all of it but the composites' hash fields. */
function shape(t: VipTopology) {
  return t.computes.map((c) => ({
    node: c.node,
    ip: c.ip,
    reachable: c.reachable,
    error: c.error,
    flows: c.flows,
    route: c.route,
    composite: c.composite && composite(c.composite),
    localComposite: c.localComposite && { ...composite(c.localComposite), label: c.localComposite.label },
  }));
}

/** The whole-table reads among the requests sent: none of these names one VIP's entries only. */
function wholeTableReads() {
  return sent.filter(
    ({ name, params }) =>
      (name === 'ItfReq' && !params.name) ||
      (name === 'Inet4UcRouteReq' && !params.src_ip) ||
      (name === 'NhListReq' && params.nh_index === undefined) ||
      (name === 'MplsReq' && params.label === undefined) ||
      (name === 'KNHReq' && params.nh_id === -1) ||
      name === 'PageReq' ||
      name === 'NextKFlowReq',
  );
}

describe('the VIP topology read narrowly', () => {
  it('draws the same topology as the whole tables, without reading one, before any traffic', async () => {
    const { uuid, vip } = lbOf('ns-user-1__service-web-clusterip');
    const topo = await narrow(vip, 8888);
    expect(wholeTableReads()).toEqual([]);
    expect(sent.map((s) => s.name)).not.toContain('FlowsPerInetRouteFlowMgmtKeyReq');
    // node2 has two backends: node1's tunnel to it carries the label of node2's local composite.
    const node1 = topo.computes.find((c) => c.node === 'k8s-node1')!;
    expect(node1.composite!.slots.find((s) => s.kind === 'tunnel')).toMatchObject({
      node: 'k8s-node2',
      localEcmp: true,
    });
    expect(topo.computes.find((c) => c.node === 'k8s-node2')!.composite!.slots).toHaveLength(3);
    expect(shape(topo)).toEqual(await fromWholeTables(vip, 8888, membersByVmi(uuid, 8888)));
    // Each compute's pod interfaces are asked for by the names the composites give them.
    expect(sent.filter((s) => s.name === 'ItfReq').map((s) => s.params.name)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^tap/)]),
    );
  });

  it('counts the flows of a small table from its one KFlowReq page', async () => {
    const { uuid, vip } = lbOf('ns-user-1__service-web-clusterip');
    await traffic(vip, 8888, 30, 20_000);
    const topo = await narrow(vip, 8888);
    expect(wholeTableReads()).toEqual([]);
    expect(topo.computes.find((c) => c.node === 'k8s-node1')!.flows).toBe(30);
    expect(shape(topo)).toEqual(await fromWholeTables(vip, 8888, membersByVmi(uuid, 8888)));
  });

  it('reads a VIP with a small share of a large table through the flows filed under its route', async () => {
    const busy = lbOf('ns-user-1__service-web-clusterip-mp');
    await traffic(busy.vip, 9999, 3_000, 21_000);
    const { uuid, vip } = lbOf('ns-user-1__service-web-clusterip');
    const topo = await narrow(vip, 8888);
    expect(wholeTableReads()).toEqual([]);
    const routed = sent.filter((s) => s.name === 'FlowsPerInetRouteFlowMgmtKeyReq');
    // Per flow table (one here) and per VRF with the VIP's /32 (the pod and the service network).
    expect(
      routed.map((s) => String(s.params.key)).every((k) => k.startsWith('0-') && k.endsWith(`-${vip}-32`)),
    ).toBe(true);
    expect(new Set(routed.map((s) => `${s.base} ${String(s.params.key)}`)).size).toBe(4);
    expect(routed).toHaveLength(4);
    expect(topo.computes.find((c) => c.node === 'k8s-node1')!.flows).toBe(30);
    expect(shape(topo)).toEqual(await fromWholeTables(vip, 8888, membersByVmi(uuid, 8888)));
  });

  it('counts from the kernel table when an agent refuses the per-route request', async () => {
    const { uuid, vip } = lbOf('ns-user-1__service-web-clusterip');
    refused = 'FlowsPerInetRouteFlowMgmtKeyReq';
    const topo = await narrow(vip, 8888);
    expect(sent.map((s) => s.name)).toContain('NextKFlowReq');
    const node1 = topo.computes.find((c) => c.node === 'k8s-node1')!;
    expect(node1.reachable).toBe(true);
    expect(node1.flows).toBe(30);
    expect(shape(topo)).toEqual(await fromWholeTables(vip, 8888, membersByVmi(uuid, 8888)));
  });

  it('walks the kernel table instead when the VIP has most of its flows', async () => {
    const busy = lbOf('ns-user-1__service-web-clusterip-mp');
    const topo = await narrow(busy.vip, 9999);
    expect(sent.map((s) => s.name)).toContain('NextKFlowReq');
    expect(sent.map((s) => s.name)).not.toContain('FlowsPerInetRouteFlowMgmtKeyReq');
    const node1 = topo.computes.find((c) => c.node === 'k8s-node1')!;
    expect(node1.flows).toBe(3_000);
    expect(shape(topo)).toEqual(await fromWholeTables(busy.vip, 9999, membersByVmi(busy.uuid, 9999)));
  });

  it('names the load balancer of every VIP and external IP from the objects that lead to it', async () => {
    // Independently, from the stored objects: each load balancer's VIP, and each floating-ip that
    // refs a load balancer's own VMI (its external IPs).
    const lbs = [...e.sim.store.all('loadbalancer')];
    const expected = new Map<string, string>();
    for (const lb of lbs)
      expected.set((lb.props.loadbalancer_properties as { vip_address: string }).vip_address, lb.uuid);
    for (const fip of e.sim.store.all('floating-ip')) {
      const address = fip.props.floating_ip_address as string;
      const vmis = (fip.refs.get('virtual-machine-interface') ?? []).map((r) => r.uuid);
      const lb = lbs.find((l) => vmis.includes(l.refs.get('virtual-machine-interface')?.[0]?.uuid ?? ''));
      if (lb && !expected.has(address)) expected.set(address, lb.uuid);
    }
    expect(expected.size).toBeGreaterThan(lbs.length);
    for (const [address, uuid] of expected) {
      const topo = await narrow(address, 8888);
      expect(topo.lb?.uuid, address).toBe(uuid);
      const byUuid = (await e.ui.inject(`/api/dataplane/topology?lb=${uuid}`)).json() as VipTopology;
      expect(byUuid.lb?.uuid).toBe(uuid);
    }
    // Never a whole collection: each list names uuids, an anchor or a filter.
    expect(listed.length).toBeGreaterThan(0);
    for (const { type, params } of listed)
      expect(
        ['obj_uuids', 'back_ref_id', 'parent_id', 'filters'].some((k) => k in params),
        `${type} ${JSON.stringify(params)}`,
      ).toBe(true);
    expect((await narrow('10.1.2.3', 80)).lb).toBeNull();
    // A uuid list is no uuid: nothing is widened by the query's text.
    const [first] = expected.values();
    expect((await e.ui.inject(`/api/dataplane/topology?lb=${first},x`)).statusCode).toBe(404);
  });
});
