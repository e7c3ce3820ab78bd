// "Why does my Service not reach pod X?", answered layer by layer for every load balancer:
// Kubernetes Endpoints (ready addresses) → the pool members kube-manager wrote → the VIP
// floating-ip's VMI refs → the VIP's /32 in each compute's kernel → the next hop it points at and
// the pods its slots (and their tunnels' labels on the other computes) lead to. Each load balancer
// gets its broken links in that order, in words; a layer that could not be read (a compute down,
// no Kubernetes API) is reported as unchecked, never as consistent. A sweep reads every compute
// once (its kernel's interfaces, pod-VRF routes, next hops and labels) and the config API once per
// type, then checks every load balancer in memory.
//
// Sources: kube-manager vnc_endpoints.py (members from ready addresses, the `vmi` annotation),
// loadbalancer.py / vnc_service.py (the VIP floating-ip under the VIP instance-ip, its VMI refs),
// agent oper/ecmp.cc and the kernel's vr_nexthop.c (composites, labels).

import type {
  ConsistencyLayer,
  ConsistencyProblem,
  ConsistencyReport,
  LbConsistency,
} from '@model/api/dataplane-views.ts';
import type { JsonObject } from '@model/contrail/read.ts';
import { keyValue } from '@model/contrail/read.ts';
import type { KNHInfo } from '@model/dataplane/sandesh/kstate.ts';
import type { Endpoints } from '@model/kubernetes/types.ts';
import { NotFound } from '../../errors.ts';
import type { ConfigApiClient } from '../config-api-client.ts';
import type { KubernetesReader } from '../ports.ts';
import type { Compute } from './computes.ts';
import type { ConfigNames, LbName, NameIndex } from './names.ts';
import { failureText, type DataplaneReader } from './reader.ts';
import { Slicer, yieldToLoop } from '../../slices.ts';

type Unchecked = ConsistencyReport['unchecked'][number];

/** Problems kept per load balancer (the first is the first broken link). */
const MAX_PROBLEMS = 20;

/** What one compute's kernel holds, as the check needs it. */
export interface ComputeKernel {
  compute: Compute;
  /** The VRF most of its pod interfaces are in, or null when it has no pods. */
  podVrf: number | null;
  /**
   * Host routes (/32) of the pod VRF: address → next-hop id and the route's MPLS label (the label a
   * route straight to a tunnel carries; -1 when `label_flags` has no MPLS: route_kstate.cc).
   */
  hostRoutes: ReadonlyMap<string, { nh: number; label: number }>;
  nhs: ReadonlyMap<number, KNHInfo>;
  /** Interface index → its address. */
  vifIps: ReadonlyMap<number, string>;
  /** MPLS label → next-hop id. */
  labels: ReadonlyMap<number, number>;
}

/** The config objects of one load balancer's chain. */
export interface LbChain {
  lb: LbName;
  pools: { uuid: string; name: string; members: { uuid: string; vmi: string | null }[] }[];
  /** The VIP floating-ip (under the VIP instance-ip), with its VMI refs; null when absent. */
  vipFip: { uuid: string; vmis: string[] } | null;
}

const nameOf = (o: JsonObject) =>
  String(o.display_name ?? (Array.isArray(o.fq_name) ? o.fq_name.at(-1) : o.uuid));

const refUuids = (o: JsonObject, field: string): string[] =>
  Array.isArray(o[field]) ? (o[field] as { uuid?: unknown }[]).map((r) => String(r.uuid)) : [];

/** Every load balancer's chain from the listeners, pools, members and floating-ips of the config API. */
export function buildChains(
  names: NameIndex,
  objects: { listeners: JsonObject[]; pools: JsonObject[]; members: JsonObject[]; floatingIps: JsonObject[] },
  only?: string,
): LbChain[] {
  const lbOfListener = new Map<string, string>();
  for (const l of objects.listeners)
    for (const lb of refUuids(l, 'loadbalancer_refs')) lbOfListener.set(String(l.uuid), lb);
  const pools = new Map<string, LbChain['pools'][number] & { lb: string }>();
  for (const p of objects.pools) {
    const lb = refUuids(p, 'loadbalancer_listener_refs')
      .map((l) => lbOfListener.get(l))
      .find((x) => x !== undefined);
    if (lb) pools.set(String(p.uuid), { uuid: String(p.uuid), name: nameOf(p), members: [], lb });
  }
  for (const m of objects.members) {
    const pool = pools.get(String(m.parent_uuid ?? ''));
    if (pool) pool.members.push({ uuid: String(m.uuid), vmi: keyValue(m, 'vmi') ?? null });
  }
  const vipFips = new Map<string, { uuid: string; vmis: string[] }>();
  for (const f of objects.floatingIps)
    if (f.parent_type === 'instance-ip' && typeof f.floating_ip_address === 'string')
      vipFips.set(f.floating_ip_address, {
        uuid: String(f.uuid),
        vmis: refUuids(f, 'virtual_machine_interface_refs'),
      });
  const byLb = new Map<string, LbChain['pools']>();
  for (const p of pools.values()) byLb.set(p.lb, [...(byLb.get(p.lb) ?? []), p]);
  return [...names.lbsByUuid.values()]
    .filter((lb) => only === undefined || lb.uuid === only)
    .sort((a, b) => (a.displayName < b.displayName ? -1 : a.displayName > b.displayName ? 1 : 0))
    .map((lb) => ({ lb, pools: byLb.get(lb.uuid) ?? [], vipFip: vipFips.get(lb.vip) ?? null }));
}

/** The pod addresses a next hop leads to, following tunnels' labels into the other computes' kernels. */
function reachedAddresses(
  kernel: ComputeKernel,
  route: { nh: number; label: number },
  byIp: (ip: string) => ComputeKernel | undefined,
  unreadable: Set<string>,
): Set<string> {
  const out = new Set<string>();
  const follow = (k: ComputeKernel, id: number, depth: number) => {
    const nh = k.nhs.get(id);
    if (!nh || depth > 3) return;
    if (nh.type === 'ENCAP') {
      const ip = k.vifIps.get(nh.encap_oif_id?.[0] ?? -1);
      if (ip) out.add(ip);
    } else if (nh.type === 'COMPOSITE') {
      for (const c of nh.component_nh ?? []) {
        if (c.nh_id < 0) continue;
        const sub = k.nhs.get(c.nh_id);
        if (sub?.type === 'TUNNEL') viaTunnel(sub, c.label, depth);
        else follow(k, c.nh_id, depth + 1);
      }
    } else if (nh.type === 'TUNNEL') viaTunnel(nh, depth === 0 ? route.label : -1, depth);
  };
  const viaTunnel = (tunnel: KNHInfo, label: number, depth: number) => {
    const remote = tunnel.tun_dip ? byIp(tunnel.tun_dip) : undefined;
    if (!remote) {
      unreadable.add(tunnel.tun_dip ?? '?');
      return;
    }
    const target = remote.labels.get(label);
    if (target !== undefined) follow(remote, target, depth + 1);
  };
  follow(kernel, route.nh, 0);
  return out;
}

/** The checks of one load balancer, in the order of the chain. */
export function checkLoadBalancer(
  chain: LbChain,
  names: NameIndex,
  endpoints: Endpoints | undefined | 'unchecked',
  kernels: readonly ComputeKernel[],
  unchecked: readonly Unchecked[],
): LbConsistency {
  const problems: ConsistencyProblem[] = [];
  const lbUnchecked: Unchecked[] = [...unchecked];
  const add = (layer: ConsistencyLayer, message: string, node?: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push({ layer, ...(node ? { node } : {}), message });
  };
  const { lb } = chain;
  const podOf = (vmi: string) => names.podsByVmi.get(vmi);
  const describe = (vmi: string) => {
    const p = podOf(vmi);
    return p ? `pod ${p.pod} (${p.ip})` : `VMI ${vmi}`;
  };
  const service = lb.service ?? lb.displayName;

  // 1. Endpoints → members: every ready address is a member of every pool, and nothing else is.
  const memberVmis = new Set(
    chain.pools.flatMap((p) => p.members.map((m) => m.vmi).filter((v): v is string => v !== null)),
  );
  if (endpoints !== 'unchecked') {
    if (!endpoints) add('endpoints', `Service ${service} has no Endpoints object`);
    else {
      const ready = endpoints.subsets.flatMap((s) => s.addresses ?? []);
      const readyIps = new Set(ready.map((a) => a.ip));
      for (const a of ready) {
        const pod = a.targetRef ? `pod ${a.targetRef.name}` : `address ${a.ip}`;
        for (const pool of chain.pools)
          if (!pool.members.some((m) => m.vmi !== null && podOf(m.vmi)?.ip === a.ip))
            add('members', `${pod} is ready but has no member in pool ${pool.name}`);
      }
      for (const pool of chain.pools)
        for (const m of pool.members) {
          const ip = m.vmi ? podOf(m.vmi)?.ip : undefined;
          if (!ip || !readyIps.has(ip))
            add(
              'members',
              `member ${m.uuid} of pool ${pool.name} (${m.vmi ? describe(m.vmi) : 'no VMI'}) is not a ready endpoint of Service ${service}`,
            );
        }
    }
  }

  // 2. Members → the VIP floating-ip's VMI refs.
  const fipVmis = new Set(chain.vipFip?.vmis ?? []);
  if (!chain.vipFip) {
    if (memberVmis.size > 0) add('floating-ip', `VIP ${lb.vip} has no floating-ip under its instance-ip`);
  } else {
    for (const vmi of memberVmis)
      if (!fipVmis.has(vmi))
        add(
          'floating-ip',
          `${describe(vmi)} is a pool member but the VIP floating-ip ${chain.vipFip.uuid} has no ref to its VMI`,
        );
    for (const vmi of fipVmis)
      if (!memberVmis.has(vmi))
        add(
          'floating-ip',
          `the VIP floating-ip ${chain.vipFip.uuid} refs ${describe(vmi)}, which is no pool member`,
        );
  }

  // 3. The floating-ip's VMIs → each compute's route and next hop for the VIP.
  const expected = new Set(
    [...fipVmis].map((v) => podOf(v)?.ip).filter((ip): ip is string => ip !== undefined),
  );
  const byIp = (ip: string) => kernels.find((k) => k.compute.ip === ip);
  for (const k of kernels) {
    if (k.podVrf === null) continue;
    const route = k.hostRoutes.get(lb.vip);
    if (route === undefined) {
      if (expected.size > 0)
        add('route', `compute ${k.compute.name} has no route for ${lb.vip}/32`, k.compute.name);
      continue;
    }
    if (expected.size === 0) {
      add(
        'route',
        `compute ${k.compute.name} still routes ${lb.vip}/32 though the VIP has no backends`,
        k.compute.name,
      );
      continue;
    }
    const unreadable = new Set<string>();
    const reached = reachedAddresses(k, route, byIp, unreadable);
    const nh = route.nh;
    for (const ip of unreadable)
      lbUnchecked.push({
        layer: 'nexthop',
        node: k.compute.name,
        reason: `the tunnel to ${ip} leads to a compute that was not read`,
      });
    for (const ip of expected)
      if (!reached.has(ip) && unreadable.size === 0) {
        const pod = names.pods.get(ip);
        add(
          'nexthop',
          `compute ${k.compute.name}'s next hop ${nh} for ${lb.vip} does not lead to ${pod ? `pod ${pod.pod} (${ip})` : ip}`,
          k.compute.name,
        );
      }
    for (const ip of reached)
      if (!expected.has(ip)) {
        const pod = names.pods.get(ip);
        add(
          'nexthop',
          `compute ${k.compute.name}'s next hop ${nh} for ${lb.vip} leads to ${pod ? `pod ${pod.pod} (${ip})` : ip}, which the VIP floating-ip does not ref`,
          k.compute.name,
        );
      }
  }
  return {
    uuid: lb.uuid,
    displayName: lb.displayName,
    consistent: problems.length === 0 && lbUnchecked.length === 0,
    problems,
    unchecked: lbUnchecked,
  };
}

/** One compute's kernel tables as the check reads them (each read once per snapshot). */
export async function readKernel(reader: DataplaneReader, c: Compute): Promise<ComputeKernel> {
  const [vifs, nhs, mpls] = await Promise.all([reader.kinterfaces(c), reader.knhs(c), reader.kmpls(c)]);
  const counts = new Map<number, number>();
  for (const v of vifs.value) if (v.type === 'VIRTUAL') counts.set(v.vrf, (counts.get(v.vrf) ?? 0) + 1);
  let podVrf: number | null = null;
  for (const [vrf, n] of counts) if (podVrf === null || n > counts.get(podVrf)!) podVrf = vrf;
  const hostRoutes = new Map<string, { nh: number; label: number }>();
  if (podVrf !== null)
    for (const r of (await reader.kroutes(c, podVrf)).value ?? [])
      if (r.prefix_len === 32)
        hostRoutes.set(r.prefix, { nh: r.nh_id, label: r.label_flags.includes('MPLS') ? r.label : -1 });
  return {
    compute: c,
    podVrf,
    hostRoutes,
    nhs: new Map(nhs.value.map((n) => [n.id, n])),
    vifIps: new Map(vifs.value.map((v) => [v.idx, v.ip])),
    labels: new Map(mpls.value.map((m) => [m.label, m.nhid])),
  };
}

export class ConsistencyChecker {
  constructor(
    private readonly reader: DataplaneReader,
    private readonly names: ConfigNames,
    private readonly configApi: ConfigApiClient,
    private readonly kubernetes: KubernetesReader | undefined,
  ) {}

  /** Every compute's kernel, concurrently; the unreadable ones as unchecked route/next-hop layers. */
  private async kernels(): Promise<{ kernels: ComputeKernel[]; unchecked: Unchecked[] }> {
    const computes = await this.reader.computes();
    const kernels: ComputeKernel[] = [];
    const unchecked: Unchecked[] = [];
    await Promise.all(
      computes.map(async (c) => {
        try {
          kernels.push(await readKernel(this.reader, c));
        } catch (err) {
          const reason = `compute ${c.name} did not answer: ${failureText(err)}`;
          unchecked.push(
            { layer: 'route', node: c.name, reason },
            { layer: 'nexthop', node: c.name, reason },
          );
        }
      }),
    );
    kernels.sort((a, b) => (a.compute.name < b.compute.name ? -1 : 1));
    unchecked.sort((a, b) => ((a.node ?? '') < (b.node ?? '') ? -1 : 1));
    return { kernels, unchecked };
  }

  private async chains(names: NameIndex, only?: string): Promise<LbChain[]> {
    const lbFilter = only === undefined ? undefined : [only];
    const [listeners, floatingIps] = await Promise.all([
      lbFilter
        ? this.configApi.listAnchored('loadbalancer-listener', 'back_ref_id', lbFilter)
        : this.configApi.listFields('loadbalancer-listener', ['loadbalancer_refs']),
      this.configApi.listFields('floating-ip', ['floating_ip_address', 'virtual_machine_interface_refs']),
    ]);
    const pools = lbFilter
      ? await this.configApi.listAnchored(
          'loadbalancer-pool',
          'back_ref_id',
          listeners.map((l) => String(l.uuid)),
        )
      : await this.configApi.listFields('loadbalancer-pool', ['loadbalancer_listener_refs', 'display_name']);
    const members = lbFilter
      ? await this.configApi.listAnchored(
          'loadbalancer-member',
          'parent_id',
          pools.map((p) => String(p.uuid)),
        )
      : await this.configApi.listFields('loadbalancer-member', ['annotations']);
    return buildChains(names, { listeners, pools, members, floatingIps }, only);
  }

  private async endpointsOf(
    chains: readonly LbChain[],
  ): Promise<{ of: (lb: LbName) => Endpoints | undefined | 'unchecked'; unchecked: Unchecked[] }> {
    if (!this.kubernetes)
      return {
        of: () => 'unchecked',
        unchecked: [{ layer: 'endpoints', reason: 'no Kubernetes API is configured (KUBECONFIG)' }],
      };
    try {
      const all =
        chains.length === 1 && chains[0]!.lb.service
          ? await this.one(chains[0]!.lb.service)
          : await this.kubernetes.listEndpoints();
      const byKey = new Map(all.map((e) => [`${e.metadata.namespace}/${e.metadata.name}`, e]));
      return { of: (lb) => (lb.service ? byKey.get(lb.service) : undefined), unchecked: [] };
    } catch (err) {
      return {
        of: () => 'unchecked',
        unchecked: [
          {
            layer: 'endpoints',
            reason: `${this.kubernetes.description} did not answer: ${failureText(err)}`,
          },
        ],
      };
    }
  }

  private async one(service: string): Promise<Endpoints[]> {
    const [namespace, name] = service.split('/') as [string, string];
    const e = await this.kubernetes!.endpoints(namespace, name);
    return e ? [e] : [];
  }

  /** Every load balancer (GET /api/consistency). */
  async sweep(): Promise<ConsistencyReport> {
    const asOf = new Date().toISOString();
    const names = (await this.names.index()).value;
    const [chains, kernels] = await Promise.all([this.chains(names), this.kernels()]);
    const endpoints = await this.endpointsOf(chains);
    const unchecked = [...endpoints.unchecked, ...kernels.unchecked];
    const slicer = new Slicer();
    const loadbalancers: LbConsistency[] = [];
    for (const chain of chains) {
      loadbalancers.push(checkLoadBalancer(chain, names, endpoints.of(chain.lb), kernels.kernels, unchecked));
      if (slicer.due(64)) await yieldToLoop();
    }
    return { loadbalancers, unchecked, asOf };
  }

  /** One load balancer (GET /api/consistency/<uuid>). */
  async check(uuid: string): Promise<LbConsistency> {
    const names = (await this.names.index()).value;
    if (!names.lbsByUuid.has(uuid)) throw new NotFound(`no loadbalancer ${uuid} in the config API`);
    const [chains, kernels] = await Promise.all([this.chains(names, uuid), this.kernels()]);
    const endpoints = await this.endpointsOf(chains);
    return checkLoadBalancer(chains[0]!, names, endpoints.of(chains[0]!.lb), kernels.kernels, [
      ...endpoints.unchecked,
      ...kernels.unchecked,
    ]);
  }
}
