// One VIP across the cluster, from introspect alone (plus the config API for names and pool
// members): on every compute at once, the VIP's /32 in its pod VRF, the composite the route points
// at (`mc_list` slots, holes included, with the kernel's component next hops from KNHReq), where
// each tunnel's label leads on the remote compute (MplsReq: a pod's interface, or its local ECMP
// composite), the compute's own local composite, and each slot's share of the flows to the VIP in
// that compute's flow table (KFlowReq, by the flows' ECMP index).

import type {
  ComputeTopology,
  EntityNames,
  TopologyComposite,
  TopologySlot,
  VipTopology,
} from '@model/api/dataplane-views.ts';
import { HASH_FIELDS, hashFieldNames, maskOfPathHashingFields } from '@model/dataplane/ecmp-load-balance.ts';
import { podKeyOfVmName } from '@model/contrail/names.ts';
import type { ItfSandeshData, NhSandeshData, RouteUcSandeshData } from '@model/dataplane/sandesh/agent.ts';
import { keyValue, type JsonObject } from '@model/contrail/read.ts';
import { NotFound } from '../../errors.ts';
import type { ConfigApiClient } from '../config-api-client.ts';
import type { Compute } from './computes.ts';
import type { ConfigNames, NameIndex } from './names.ts';
import { failureText, type DataplaneReader } from './reader.ts';
import {
  hostRoute,
  interfaceIndex,
  isCompositeType,
  labelTarget,
  podVrfName,
  type InterfaceIndex,
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

export class TopologyBuilder {
  constructor(
    private readonly reader: DataplaneReader,
    private readonly names: ConfigNames,
    private readonly configApi: ConfigApiClient,
  ) {}

  async topology(q: TopologyQuery): Promise<VipTopology> {
    const names = (await this.names.index()).value;
    const lb =
      q.lb !== undefined ? names.lbsByUuid.get(q.lb) : q.vip !== undefined ? names.lbs.get(q.vip) : undefined;
    if (q.lb !== undefined && !lb) throw new NotFound(`no loadbalancer ${q.lb} in the config API`);
    const vip = q.vip ?? lb!.vip;
    if (!vip) throw new NotFound(`loadbalancer ${q.lb} has no VIP`);
    const [computes, members] = await Promise.all([
      this.reader.computes(),
      lb ? poolMembers(this.configApi, lb.uuid, q.port) : Promise.resolve(new Map<string, string>()),
    ]);
    const asOf = new Date().toISOString();
    const perCompute = await Promise.all(
      computes.map((c) =>
        this.onCompute(c, vip, q.port, names, members).catch((err: unknown) => unreachable(c, err)),
      ),
    );
    const fields = perCompute.map((t) => t.composite?.hashFields).find((f) => f !== undefined);
    return {
      vip,
      port: q.port ?? null,
      lb: lb ? { uuid: lb.uuid, displayName: lb.displayName } : null,
      hashFields: fields && fields.length < HASH_FIELDS.length ? fields : null,
      computes: perCompute,
      asOf,
    };
  }

  private async onCompute(
    c: Compute,
    vip: string,
    port: number | undefined,
    names: NameIndex,
    members: ReadonlyMap<string, string>,
  ): Promise<ComputeTopology> {
    const [itfs, vrfs, flows] = await Promise.all([
      this.reader.interfaces(c),
      this.reader.vrfs(c),
      this.reader.flows(c),
    ]);
    // The VIP's route in the compute's pod VRF (ClusterIP VIPs are leaked there), else wherever it is.
    const podVrf = podVrfName(itfs.value);
    const order = [...vrfs.value].sort((a, b) => Number(b.name === podVrf) - Number(a.name === podVrf));
    let route: RouteUcSandeshData | null = null;
    for (const v of order) {
      route = await hostRoute(this.reader, c, v.ucindex, vip);
      if (route) break;
    }
    // Flows to the VIP (and port) this compute set up, by the ECMP slot they took.
    const bySlot = new Map<number, number>();
    let total = 0;
    for (const f of flows.value) {
      if (f.dip !== vip || (port !== undefined && f.dport !== port) || f.ecmp_index === undefined) continue;
      total++;
      bySlot.set(f.ecmp_index, (bySlot.get(f.ecmp_index) ?? 0) + 1);
    }
    const base: ComputeTopology = {
      node: c.name,
      ip: c.ip,
      reachable: true,
      error: null,
      route: null,
      composite: null,
      localComposite: null,
      flows: total,
    };
    const path = route?.path_list[0];
    if (!route || !path) return base;
    const itfByName = interfaceIndex(itfs.value);
    const composite = isCompositeType(path.nh.type)
      ? await this.composite(
          c,
          path.nh,
          path.ecmp_hashing_fields ?? '',
          itfByName,
          names,
          members,
          bySlot,
          total,
        )
      : null;
    // The local ECMP path (LocalVmPort peer, its own label) points at the compute's local composite.
    const local = route.path_list.find(
      (p) => p !== path && isCompositeType(p.nh.type) && p.nh.nh_index !== path.nh.nh_index,
    );
    const localComposite = local
      ? {
          ...(await this.composite(
            c,
            local.nh,
            local.ecmp_hashing_fields ?? '',
            itfByName,
            names,
            members,
            new Map(),
            0,
          )),
          label: local.label,
        }
      : null;
    return {
      ...base,
      route: { vrf: route.src_vrf, nhId: path.nh.nh_index, nhType: path.nh.type },
      composite,
      localComposite,
    };
  }

  private async composite(
    c: Compute,
    nh: NhSandeshData,
    hashFieldsText: string,
    itfs: InterfaceIndex,
    names: NameIndex,
    members: ReadonlyMap<string, string>,
    bySlot: ReadonlyMap<number, number>,
    total: number,
  ): Promise<TopologyComposite> {
    // The kernel's composite names each slot's next hop (nh --get Sub NH); the agent's does not.
    const knh = (await this.reader.knh(c, nh.nh_index)).value;
    const slots = await Promise.all(
      (nh.mc_list ?? []).map(async (m, slot): Promise<TopologySlot> => {
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
            member: itf ? (members.get(itf.uuid) ?? null) : null,
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
            node: remote?.name ?? names.nodes.get(dip) ?? null,
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
}

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
