// What an address is, from the config API (through the UI server's config-API client): a pod's
// IP (instance-ip → its VMI → the VMI's virtual-machine `<cluster>__<ns>__<pod>` and `host_id`),
// a Service's VIP or external IP (loadbalancer `vip_address`, and floating-ips that ref the
// loadbalancer's VMI), a compute's vhost0 address (virtual-router). One list query per type, kept
// as a snapshot; used to put names beside the agents' addresses. Knows nothing of routes.

import type { EntityNames } from '@model/api/dataplane-views.ts';
import { podKeyOfVmName, serviceOfLbDisplayName } from '@model/contrail/names.ts';
import { keyValue, type JsonObject } from '@model/contrail/read.ts';
import { ECMP_HASHING_ANNOTATION, ecmpHashingOf } from '@model/dataplane/ecmp-hashing.ts';
import type { ConfigApiClient } from '../config-api-client.ts';
import type { SnapshotCache, Snapshot } from './snapshots.ts';

/** A Service's load balancer as the names need it. */
export interface LbName {
  uuid: string;
  displayName: string;
  /** `<namespace>/<service>`, from the display name kube-manager gives it. */
  service: string | null;
  vip: string;
  /** The loadbalancer's own VMI (external IP floating-ips ref it). */
  vmi: string | null;
  /** Its `ecmp-hashing` annotation (our Maglev what-if; Contrail's own scheme otherwise). */
  maglev: boolean;
}

export interface PodName {
  pod: string;
  vmi: string;
  node: string | null;
}

export interface NameIndex {
  /** Pod by its IP. */
  readonly pods: ReadonlyMap<string, PodName>;
  /** Pod by its VMI uuid, and by `<namespace>/<pod>`. */
  readonly podsByVmi: ReadonlyMap<string, PodName & { ip: string }>;
  readonly podsByKey: ReadonlyMap<string, PodName & { ip: string }>;
  /**
   * Addresses whose floating IP runs the Maglev what-if: the floating-ip's own `ecmp-hashing`
   * annotation, else its load balancer's (as the simulated dataplane reads them).
   */
  readonly maglev: ReadonlySet<string>;
  /** Load balancer by its VIP and by each external IP. */
  readonly lbs: ReadonlyMap<string, LbName>;
  readonly lbsByUuid: ReadonlyMap<string, LbName>;
  /** Compute name by vhost0 address. */
  readonly nodes: ReadonlyMap<string, string>;
}

const refs = (obj: JsonObject, field: string): { uuid: string; to: string[] }[] =>
  Array.isArray(obj[field])
    ? (obj[field] as { uuid?: unknown; to?: unknown }[]).map((r) => ({
        uuid: String(r.uuid ?? ''),
        to: Array.isArray(r.to) ? r.to.map(String) : [],
      }))
    : [];

function hostId(vmi: JsonObject): string | null {
  const bindings = vmi.virtual_machine_interface_bindings as
    { key_value_pair?: { key: string; value: string }[] } | undefined;
  return bindings?.key_value_pair?.find((kv) => kv.key === 'host_id')?.value ?? null;
}

/** The index from the config API's objects (pure, for tests). */
export function buildNameIndex(objects: {
  loadbalancers: readonly JsonObject[];
  floatingIps: readonly JsonObject[];
  instanceIps: readonly JsonObject[];
  vmis: readonly JsonObject[];
  routers: readonly JsonObject[];
}): NameIndex {
  const lbs = new Map<string, LbName>();
  const lbsByUuid = new Map<string, LbName>();
  const lbByVmi = new Map<string, LbName>();
  for (const lb of objects.loadbalancers) {
    const props = (lb.loadbalancer_properties ?? {}) as { vip_address?: string };
    const displayName = String(lb.display_name ?? lb.name ?? '');
    const service = serviceOfLbDisplayName(displayName);
    const name: LbName = {
      uuid: String(lb.uuid),
      displayName,
      service: service ? `${service.namespace}/${service.name}` : null,
      vip: props.vip_address ?? '',
      vmi: refs(lb, 'virtual_machine_interface_refs')[0]?.uuid ?? null,
      maglev: ecmpHashingOf(keyValue(lb, ECMP_HASHING_ANNOTATION)) === 'maglev',
    };
    lbsByUuid.set(name.uuid, name);
    if (name.vip) lbs.set(name.vip, name);
    if (name.vmi) lbByVmi.set(name.vmi, name);
  }
  const maglev = new Set<string>();
  for (const fip of objects.floatingIps) {
    const address = String(fip.floating_ip_address ?? '');
    const own = keyValue(fip, ECMP_HASHING_ANNOTATION);
    if (own !== undefined ? own === 'maglev' : lbs.get(address)?.maglev) maglev.add(address);
    if (!address || lbs.has(address)) continue;
    const lb = refs(fip, 'virtual_machine_interface_refs')
      .map((r) => lbByVmi.get(r.uuid))
      .find((l) => l !== undefined);
    if (lb) lbs.set(address, lb);
    if (lb && own === undefined && lb.maglev) maglev.add(address);
  }
  const vmis = new Map<string, { pod: string; node: string | null }>();
  for (const vmi of objects.vmis) {
    const vm = refs(vmi, 'virtual_machine_refs')[0];
    const pod = vm ? podKeyOfVmName(vm.to.at(-1) ?? '') : null;
    if (pod) vmis.set(String(vmi.uuid), { pod, node: hostId(vmi) });
  }
  const pods = new Map<string, PodName>();
  const podsByVmi = new Map<string, PodName & { ip: string }>();
  const podsByKey = new Map<string, PodName & { ip: string }>();
  for (const iip of objects.instanceIps) {
    const ip = String(iip.instance_ip_address ?? '');
    for (const r of refs(iip, 'virtual_machine_interface_refs')) {
      const vmi = vmis.get(r.uuid);
      if (!vmi || !ip) continue;
      const name = { pod: vmi.pod, vmi: r.uuid, node: vmi.node };
      pods.set(ip, name);
      podsByVmi.set(r.uuid, { ...name, ip });
      podsByKey.set(vmi.pod, { ...name, ip });
    }
  }
  const nodes = new Map<string, string>();
  for (const vr of objects.routers) {
    const ip = vr.virtual_router_ip_address;
    const name = Array.isArray(vr.fq_name) ? String(vr.fq_name.at(-1)) : '';
    if (typeof ip === 'string' && name) nodes.set(ip, name);
  }
  return { pods, podsByVmi, podsByKey, lbs, lbsByUuid, nodes, maglev };
}

/** Names of one address: a pod's, or a Service VIP's (with its load balancer), or a compute's. */
export function namesOfAddress(index: NameIndex, ip: string): EntityNames {
  const pod = index.pods.get(ip);
  if (pod) return { pod: pod.pod, vmi: pod.vmi, ...(pod.node ? { node: pod.node } : {}) };
  const lb = index.lbs.get(ip);
  if (lb) return { vip: ip, lb: lb.uuid, ...(lb.service ? { service: lb.service } : {}) };
  const node = index.nodes.get(ip);
  return node ? { node } : {};
}

export class ConfigNames {
  constructor(
    private readonly configApi: ConfigApiClient,
    private readonly cache: SnapshotCache,
  ) {}

  index(): Promise<Snapshot<NameIndex>> {
    return this.cache.get('config:names', async () => {
      const [loadbalancers, floatingIps, instanceIps, vmis, routers] = await Promise.all([
        this.configApi.listFields('loadbalancer', [
          'display_name',
          'annotations',
          'loadbalancer_properties',
          'virtual_machine_interface_refs',
        ]),
        this.configApi.listFields('floating-ip', [
          'floating_ip_address',
          'virtual_machine_interface_refs',
          'annotations',
        ]),
        this.configApi.listFields('instance-ip', ['instance_ip_address', 'virtual_machine_interface_refs']),
        this.configApi.listFields('virtual-machine-interface', [
          'virtual_machine_refs',
          'virtual_machine_interface_bindings',
        ]),
        this.configApi.listFields('virtual-router', ['virtual_router_ip_address']),
      ]);
      return buildNameIndex({ loadbalancers, floatingIps, instanceIps, vmis, routers });
    });
  }
}
