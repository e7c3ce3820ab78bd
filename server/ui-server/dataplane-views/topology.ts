// One VIP across the cluster, from introspect alone (plus the config API for the load balancer and
// its pool members), reading only what the VIP needs on each compute, all computes at once: the
// VRF list, the VIP's /32 in each VRF (Inet4UcRouteReq `src_ip` + `prefix_len`), the composite the
// pod VRF's route points at (`mc_list` slots, holes included, with the kernel's component next hops
// from KNHReq `nh_id`), each local slot's interface (ItfReq `name`), where each tunnel's label
// leads on the remote compute (MplsReq `label`: a pod's interface, or its local ECMP composite),
// the compute's own local composite, and each slot's share of the flows to the VIP (see vipFlows:
// the flows filed under the VIP's route, FlowsPerInetRouteFlowMgmtKeyReq, or the kernel table when
// that is smaller). A whole oper-DB table only when two pod VRFs carry the VIP (see pickVrf).

import type {
  ComputeTopology,
  EntityNames,
  TopologyComposite,
  TopologySlot,
  VipTopology,
} from '@model/api/dataplane-views.ts';
import { HASH_FIELDS, hashFieldNames, maskOfPathHashingFields } from '@model/dataplane/ecmp-load-balance.ts';
import { podKeyOfVmName } from '@model/contrail/names.ts';
import type {
  ItfSandeshData,
  McastData,
  NhSandeshData,
  RouteUcSandeshData,
} from '@model/dataplane/sandesh/agent.ts';
import { keyValue, type JsonObject } from '@model/contrail/read.ts';
import { NotFound } from '../../errors.ts';
import type { ConfigApiClient } from '../config-api-client.ts';
import type { Compute } from './computes.ts';
import { failureText, type DataplaneReader } from './reader.ts';
import {
  hostRoute,
  InterfaceIndex,
  isCompositeType,
  labelTarget,
  podVrfName,
  vipRouteOfPods,
  type VrfRoute,
} from './vip-route.ts';

export interface TopologyQuery {
  vip?: string | undefined;
  port?: number | undefined;
  lb?: string | undefined;
}

/**
 * Pool members of a load balancer (on `port`'s listener when given): the member VMI → member
 * uuid. kube-manager names a member's pod in its annotations (`vmi`, vnc_endpoints.py), and
 * leaves `address` unset.
 */
async function poolMembers(
  configApi: ConfigApiClient,
  lb: string,
  port: number | undefined,
): Promise<Map<string, string>> {
  const listeners = (await configApi.listAnchored('loadbalancer-listener', 'back_ref_id', [lb])).filter(
    (l) =>
      port === undefined ||
      (l.loadbalancer_listener_properties as { protocol_port?: number } | undefined)?.protocol_port === port,
  );
  const pools = await configApi.listAnchored(
    'loadbalancer-pool',
    'back_ref_id',
    listeners.map((l) => String(l.uuid)),
  );
  const members = await configApi.listAnchored(
    'loadbalancer-member',
    'parent_id',
    pools.map((p) => String(p.uuid)),
  );
  const out = new Map<string, string>();
  for (const m of members as JsonObject[]) {
    const vmi = keyValue(m, 'vmi');
    if (vmi && !out.has(vmi)) out.set(vmi, String(m.uuid));
  }
  return out;
}

/** The load balancer as the topology names it. */
interface LbRef {
  uuid: string;
  displayName: string;
  vip: string;
  /** Its own VMI (the first of its `virtual_machine_interface_refs`). */
  vmi: string | null;
}

const vmiRefs = (o: JsonObject): string[] =>
  Array.isArray(o.virtual_machine_interface_refs)
    ? (o.virtual_machine_interface_refs as { uuid?: unknown }[]).map((r) => String(r.uuid ?? ''))
    : [];

const lbRef = (o: JsonObject): LbRef => ({
  uuid: String(o.uuid),
  displayName: String(o.display_name ?? (Array.isArray(o.fq_name) ? o.fq_name.at(-1) : '')),
  vip: (o.loadbalancer_properties as { vip_address?: string } | undefined)?.vip_address ?? '',
  vmi: vmiRefs(o)[0] ?? null,
});

/** `filters=<field>==<value>` as the VNC API client writes it (vnc_api.py: the value json.dumps'd). */
const equals = (field: string, value: string) => ({ filters: `${field}==${JSON.stringify(value)}` });

/**
 * The load balancer a query names, from the few objects that lead to it, never a whole collection:
 * by uuid (`obj_uuids`); by address, the one whose VIP it is — the VIP's instance-ip refs the load
 * balancer's VMI, which the load balancer refs (kube-manager vnc/loadbalancer.py
 * `iip_obj.set_virtual_machine_interface`, `lb_obj.set_virtual_machine_interface`) — else the one an
 * external IP's floating-ip leads to (its first ref to a load balancer's VMI, as the names index
 * reads it).
 */
async function loadBalancerOf(configApi: ConfigApiClient, q: TopologyQuery): Promise<LbRef | undefined> {
  if (q.lb !== undefined) {
    // The uuid alone: `obj_uuids` is a list, and a query's text is not to widen it.
    const lb = (await configApi.listDetail('loadbalancer', { obj_uuids: q.lb })).find((o) => o.uuid === q.lb);
    return lb && lbRef(lb);
  }
  const vip = q.vip!;
  const through = async (holders: readonly JsonObject[]): Promise<LbRef[]> => {
    const vmis = holders.flatMap(vmiRefs);
    return vmis.length === 0
      ? []
      : (await configApi.listAnchored('loadbalancer', 'back_ref_id', vmis)).map(lbRef);
  };
  const iips = await configApi.listDetail('instance-ip', equals('instance_ip_address', vip));
  const own = (await through(iips)).find((l) => l.vip === vip);
  if (own) return own;
  const fips = await configApi.listDetail('floating-ip', equals('floating_ip_address', vip));
  const lbs = await through(fips);
  for (const vmi of fips.flatMap(vmiRefs)) {
    const lb = lbs.find((l) => l.vmi === vmi);
    if (lb) return lb;
  }
  return undefined;
}

export class TopologyBuilder {
  constructor(
    private readonly reader: DataplaneReader,
    private readonly configApi: ConfigApiClient,
  ) {}

  async topology(q: TopologyQuery): Promise<VipTopology> {
    // Kept like the agents' tables (a config change drops it).
    const found = this.reader.cache
      .get(`config:topology-lb:${q.lb ?? ''}:${q.vip ?? ''}`, () => loadBalancerOf(this.configApi, q))
      .then((s) => s.value);
    // Given the VIP, the computes are read while the config API names its load balancer.
    const vip = q.vip ?? (await found)?.vip;
    const lb = q.vip === undefined ? await found : undefined;
    if (q.lb !== undefined && !lb) throw new NotFound(`no loadbalancer ${q.lb} in the config API`);
    if (!vip) throw new NotFound(`loadbalancer ${q.lb} has no VIP`);
    // The members are needed only once a composite is drawn: read beside the computes' routes.
    const members = found.then((l) =>
      l ? poolMembers(this.configApi, l.uuid, q.port) : new Map<string, string>(),
    );
    members.catch(() => undefined);
    const computes = await this.reader.computes();
    const asOf = new Date().toISOString();
    const perCompute = await Promise.all(
      computes.map((c) =>
        this.onCompute(c, vip, q.port, members).catch((err: unknown) => unreachable(c, err)),
      ),
    );
    // A failed config read is the config API's failure, not a compute's.
    const [named] = await Promise.all([found, members]);
    const fields = perCompute.map((t) => t.composite?.hashFields).find((f) => f !== undefined);
    return {
      vip,
      port: q.port ?? null,
      lb: named ? { uuid: named.uuid, displayName: named.displayName } : null,
      hashFields: fields && fields.length < HASH_FIELDS.length ? fields : null,
      computes: perCompute,
      asOf,
    };
  }

  private async onCompute(
    c: Compute,
    vip: string,
    port: number | undefined,
    members: Promise<ReadonlyMap<string, string>>,
  ): Promise<ComputeTopology> {
    const vrfs = (await this.reader.vrfs(c)).value;
    // The VIP's /32 in every VRF of the compute, asked at once (the agent walks each VRF's table
    // with the filter, oper/inet_unicast_route.cc DBEntrySandesh).
    const found = (
      await Promise.all(
        vrfs.map(async (vrf) => ({ vrf, route: await hostRoute(this.reader, c, vrf.ucindex, vip) })),
      )
    ).filter((x): x is VrfRoute => x.route !== null);
    const [route, shares] = await Promise.all([
      this.pickVrf(c, found),
      this.vipFlows(
        c,
        found.map((x) => x.vrf.ucindex),
        vip,
        port,
      ),
    ]);
    const base: ComputeTopology = {
      node: c.name,
      ip: c.ip,
      reachable: true,
      error: null,
      route: null,
      composite: null,
      localComposite: null,
      flows: shares.total,
    };
    const path = route?.path_list[0];
    if (!route || !path) return base;
    // The local ECMP path (LocalVmPort peer, its own label) points at the compute's local composite.
    const local = route.path_list.find(
      (p) => p !== path && isCompositeType(p.nh.type) && p.nh.nh_index !== path.nh.nh_index,
    );
    const [composite, localComposite] = await Promise.all([
      isCompositeType(path.nh.type)
        ? this.composite(c, path.nh, path.ecmp_hashing_fields ?? '', members, shares.bySlot, shares.total)
        : null,
      local
        ? this.composite(c, local.nh, local.ecmp_hashing_fields ?? '', members, new Map(), 0).then((lc) => ({
            ...lc,
            label: local.label,
          }))
        : null,
    ]);
    return {
      ...base,
      route: { vrf: route.src_vrf, nhId: path.nh.nh_index, nhType: path.nh.type },
      composite,
      localComposite,
    };
  }

  /**
   * The VIP's route as a pod on the compute reaches it (see vipRouteOfPods); when the routes alone
   * do not tell, the VRF most of the compute's pod interfaces are in decides (the whole ItfReq
   * table), else the first VRF that has the VIP.
   */
  private async pickVrf(c: Compute, found: readonly VrfRoute[]): Promise<RouteUcSandeshData | null> {
    const decided = vipRouteOfPods(found);
    if (decided !== undefined) return decided;
    const podVrf = podVrfName((await this.reader.interfaces(c)).value);
    return (found.find((x) => x.vrf.name === podVrf) ?? found[0]!).route;
  }

  /**
   * Flows to the VIP (and port) this compute set up, by the ECMP slot they took, read the cheapest
   * way that still sees them all:
   * - the kernel flow table when a whole-table snapshot is fresh (the Flows tab read it), or when
   *   its first KFlowReq page is the whole table;
   * - else the flows the agent's flow management files under the VIP's /32 in each VRF that has
   *   it, in each flow table (FlowsPerInetRouteFlowMgmtKeyReq; a flow is filed under its source's
   *   and its destination's route, so flows from the VIP come too), which is proportional to the
   *   VIP's flows — unless the first page, a sample of the table (the kernel places flows by
   *   hash), says the VIP has so large a share of it that the whole table in KFlowReq pages is
   *   smaller: a SandeshFlowData is about seven times a KFlowInfo in the agent's XML.
   */
  private async vipFlows(
    c: Compute,
    vrfIndexes: readonly number[],
    vip: string,
    port: number | undefined,
  ): Promise<{ bySlot: Map<number, number>; total: number }> {
    const flows: readonly CountedFlow[] =
      vrfIndexes.length === 0 ? [] : await this.flowsOfVip(c, vrfIndexes, vip);
    const bySlot = new Map<number, number>();
    let total = 0;
    for (const f of flows) {
      if (f.dip !== vip || (port !== undefined && f.dport !== port) || f.ecmp_index === undefined) continue;
      total++;
      bySlot.set(f.ecmp_index, (bySlot.get(f.ecmp_index) ?? 0) + 1);
    }
    return { bySlot, total };
  }

  private async flowsOfVip(
    c: Compute,
    vrfIndexes: readonly number[],
    vip: string,
  ): Promise<readonly CountedFlow[]> {
    const whole = await this.reader.flowsIfRead(c);
    if (whole) return whole.value;
    const first = await this.reader.cache.get(`${c.url}|kflows-first`, () =>
      this.reader.read(c, (a) => a.kflowsFirstPage()),
    );
    if (!first.value.more) return first.value.flows;
    const sample = first.value.flows;
    const touching = sample.filter((f) => f.dip === vip || f.sip === vip).length;
    if (touching * SANDESH_FLOW_DATA_PER_KFLOW >= sample.length) return (await this.reader.flows(c)).value;
    // An agent older than the per-route request (or one that refuses it) still has the kernel table.
    const routed = await this.reader.cache
      .get(`${c.url}|vip-flows:${vip}:${vrfIndexes.join(',')}`, () =>
        this.reader.read(c, async (a) => {
          const tables = (await a.flowTables()).table_list.map((t) => t.index);
          const lists = await Promise.all(
            tables.flatMap((t) => vrfIndexes.map((vrf) => a.routeFlows(t, vrf, vip, 32))),
          );
          // A flow filed under the VIP in two VRFs (its source's and its destination's) counts once.
          const byHandle = new Map<number, CountedFlow>();
          for (const f of lists.flat())
            byHandle.set(f.flow_handle, {
              dip: f.dip,
              dport: f.dst_port,
              ...(f.ecmp_index !== undefined ? { ecmp_index: f.ecmp_index } : {}),
            });
          return [...byHandle.values()];
        }),
      )
      .catch(() => this.reader.flows(c));
    return routed.value;
  }

  private async composite(
    c: Compute,
    nh: NhSandeshData,
    hashFieldsText: string,
    members: Promise<ReadonlyMap<string, string>>,
    bySlot: ReadonlyMap<number, number>,
    total: number,
  ): Promise<TopologyComposite> {
    const mcList = nh.mc_list ?? [];
    // The kernel's composite names each slot's next hop (nh --get Sub NH); the agent's does not.
    const [knh, itfs] = await Promise.all([
      this.reader.knh(c, nh.nh_index).then((s) => s.value),
      this.slotInterfaces(c, mcList),
    ]);
    const slots = await Promise.all(
      mcList.map(async (m, slot): Promise<TopologySlot> => {
        const nhId = knh?.component_nh?.[slot]?.nh_id ?? -1;
        const flows = bySlot.get(slot) ?? 0;
        const share = total > 0 ? flows / total : 0;
        if (m.type === 'Interface') {
          const itf = itfs.ofComponent(m);
          const slotNames: EntityNames = itf ? podNames(c, itf) : {};
          return {
            slot,
            kind: 'interface',
            nhId,
            label: m.label ?? -1,
            itf: m.itf ?? '',
            names: slotNames,
            member: itf ? ((await members).get(itf.uuid) ?? null) : null,
            flows,
            share,
          };
        }
        if (m.type === 'Tunnel') {
          const dip = m.dip ?? '';
          const remote = this.reader.directory.byIp(dip);
          const target =
            remote && m.label !== undefined
              ? await labelTarget(this.reader, remote, m.label).catch(() => undefined)
              : undefined;
          return {
            slot,
            kind: 'tunnel',
            nhId,
            label: m.label ?? -1,
            dip,
            node: remote?.name ?? null,
            localEcmp: target !== undefined && isCompositeType(target.nh.type),
            flows,
            share,
          };
        }
        return { slot, kind: 'hole' };
      }),
    );
    return { nhId: nh.nh_index, slots, hashFields: hashFieldNames(maskOfPathHashingFields(hashFieldsText)) };
  }

  /**
   * The interfaces a composite's interface slots name (ItfReq by each slot's `itf` name, a
   * substring filter in the agent, so the labels pick among what comes back).
   */
  private async slotInterfaces(c: Compute, mcList: readonly McastData[]): Promise<InterfaceIndex> {
    const itfNames = [...new Set(mcList.filter((m) => m.type === 'Interface').map((m) => m.itf ?? ''))];
    const lists = await Promise.all(
      itfNames.map(
        async (name) =>
          (
            await this.reader.cache.get(`${c.url}|itf:${name}`, () =>
              this.reader.read(c, async (a) => (await a.interfaces({ name })).items),
            )
          ).value,
      ),
    );
    return new InterfaceIndex(lists.flat());
  }
}

/** A flow as the shares count it: the kernel's KFlowInfo, or the agent's SandeshFlowData. */
interface CountedFlow {
  dip: string;
  dport: number;
  ecmp_index?: number;
}

/** SandeshFlowData over KFlowInfo, in bytes of the agent's XML (about 8.5 kB against 1.3 kB). */
const SANDESH_FLOW_DATA_PER_KFLOW = 7;

function podNames(c: Compute, itf: ItfSandeshData): EntityNames {
  const pod = podKeyOfVmName(itf.vm_name);
  return pod ? { pod, vmi: itf.uuid, node: c.name } : { vmi: itf.uuid, node: c.name };
}

function unreachable(c: Compute, err: unknown): ComputeTopology {
  return {
    node: c.name,
    ip: c.ip,
    reachable: false,
    error: failureText(err),
    route: null,
    composite: null,
    localComposite: null,
    flows: 0,
  };
}
