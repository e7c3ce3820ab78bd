// The load balancer tree's rows (model/explorer.ts) assembled from config objects as any config API
// renders them: grouping by refs and parents, member status, pod/node/IP resolution. Pure: no I/O,
// no HTTP; the route fetches, this decides. Reads defensively (a missing field reads as empty).

import { nameParts, podKeyOfVmName } from '@model/contrail/names.ts';
import { keyValue, propertyStruct, type JsonObject } from '@model/contrail/read.ts';
import type { ListenerRow, LoadBalancerRow, MemberRow, PoolRow } from '@model/explorer.ts';

/** Member statuses that count as down; native LBs leave status null, which counts as up. */
const DOWN_STATUSES = new Set(['DOWN', 'ERROR', 'OFFLINE', 'INACTIVE', 'DISABLED']);

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function num(value: unknown): number | null {
  return typeof value === 'number' ? value : null;
}

function fqNameOf(obj: JsonObject): string[] {
  return Array.isArray(obj.fq_name)
    ? obj.fq_name.filter((part): part is string => typeof part === 'string')
    : [];
}

function refUuids(obj: JsonObject, field: string): string[] {
  const refs = obj[field];
  return Array.isArray(refs) ? refs.flatMap((r) => str((r as JsonObject | null)?.uuid) ?? []) : [];
}

function envelope(obj: JsonObject) {
  const fqName = fqNameOf(obj);
  const name = str(obj.name) ?? fqName[fqName.length - 1] ?? String(obj.uuid);
  return { uuid: String(obj.uuid), name, displayName: str(obj.display_name) ?? name, fqName };
}

/**
 * The Kubernetes namespace of a kube-manager object: its `namespace` annotation, else the `<ns>`
 * of a `<ns>__<svc>` display name (`makeName`), else its project's name.
 */
export function namespaceOf(obj: JsonObject): string | null {
  const annotated = keyValue(obj, 'namespace');
  if (annotated) return annotated;
  const display = str(obj.display_name);
  const parts = display === null ? [] : nameParts(display);
  if (parts.length >= 2) return parts[0]!;
  const fqName = fqNameOf(obj);
  return fqName.length >= 3 ? (fqName[fqName.length - 2] ?? null) : null;
}

function isMemberUp(member: JsonObject): boolean {
  const p = propertyStruct(member, 'loadbalancer_member_properties');
  const status = str(p.status);
  return p.admin_state !== false && !(status && DOWN_STATUSES.has(status.toUpperCase()));
}

function groupBy<T>(items: readonly T[], keysOf: (item: T) => string[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items)
    for (const key of keysOf(item)) {
      const list = out.get(key);
      if (list) list.push(item);
      else out.set(key, [item]);
    }
  return out;
}

function byText(a: { displayName: string }, b: { displayName: string }): number {
  return a.displayName < b.displayName ? -1 : a.displayName > b.displayName ? 1 : 0;
}

export function assembleLoadBalancerRows(
  lbs: readonly JsonObject[],
  listeners: readonly JsonObject[],
  pools: readonly JsonObject[],
  members: readonly JsonObject[],
): LoadBalancerRow[] {
  const listenersByLb = groupBy(listeners, (l) => refUuids(l, 'loadbalancer_refs'));
  const poolsByListener = groupBy(pools, (p) => refUuids(p, 'loadbalancer_listener_refs'));
  const membersByPool = groupBy(members, (m) => [String(m.parent_uuid)]);
  return lbs.map((lb) => {
    const lbProps = propertyStruct(lb, 'loadbalancer_properties');
    const own = listenersByLb.get(String(lb.uuid)) ?? [];
    const ownMembers = own
      .flatMap((l) => poolsByListener.get(String(l.uuid)) ?? [])
      .flatMap((p) => membersByPool.get(String(p.uuid)) ?? []);
    return {
      ...envelope(lb),
      namespace: namespaceOf(lb),
      vip: str(lbProps.vip_address),
      provider: str(lb.loadbalancer_provider),
      listeners: own
        .map((l) => {
          const lp = propertyStruct(l, 'loadbalancer_listener_properties');
          return { uuid: String(l.uuid), protocol: str(lp.protocol), port: num(lp.protocol_port) };
        })
        .sort((a, b) => (a.port ?? 0) - (b.port ?? 0)),
      membersUp: ownMembers.filter(isMemberUp).length,
      membersTotal: ownMembers.length,
      operatingStatus: str(lbProps.operating_status),
      provisioningStatus: str(lbProps.provisioning_status),
      adminState: lbProps.admin_state !== false,
    };
  });
}

export function assembleListenerRows(
  listeners: readonly JsonObject[],
  pools: readonly JsonObject[],
): ListenerRow[] {
  const poolsByListener = groupBy(pools, (p) => refUuids(p, 'loadbalancer_listener_refs'));
  return listeners
    .map((l) => {
      const lp = propertyStruct(l, 'loadbalancer_listener_properties');
      const own = poolsByListener.get(String(l.uuid)) ?? [];
      return {
        ...envelope(l),
        loadbalancerUuid: refUuids(l, 'loadbalancer_refs')[0] ?? null,
        protocol: str(lp.protocol),
        port: num(lp.protocol_port),
        portName: keyValue(l, 'portName') ?? null,
        connectionLimit: num(lp.connection_limit),
        adminState: lp.admin_state !== false,
        pools: own.map((p) => ({ uuid: String(p.uuid), name: envelope(p).displayName })),
        membersTotal: own.reduce(
          (n, p) => n + (Array.isArray(p.loadbalancer_members) ? p.loadbalancer_members.length : 0),
          0,
        ),
      };
    })
    .sort((a, b) => (a.port ?? 0) - (b.port ?? 0) || byText(a, b));
}

export function assemblePoolRows(pools: readonly JsonObject[], members: readonly JsonObject[]): PoolRow[] {
  const membersByPool = groupBy(members, (m) => [String(m.parent_uuid)]);
  return pools
    .map((p) => {
      const pp = propertyStruct(p, 'loadbalancer_pool_properties');
      const own = membersByPool.get(String(p.uuid)) ?? [];
      return {
        ...envelope(p),
        listenerUuid: refUuids(p, 'loadbalancer_listener_refs')[0] ?? null,
        protocol: str(pp.protocol),
        method: str(pp.loadbalancer_method),
        sessionPersistence: str(pp.session_persistence),
        adminState: pp.admin_state !== false,
        membersUp: own.filter(isMemberUp).length,
        membersTotal: own.length,
      };
    })
    .sort(byText);
}

/** The objects a member row resolves its pod, node and IP from. */
export interface MemberRelations {
  vmis: readonly JsonObject[];
  instanceIps: readonly JsonObject[];
  vms: readonly JsonObject[];
  vrouters: readonly JsonObject[];
}

/** The VMI and VM uuids a page of members refers to (kube-manager's `vmi` / `vm` annotations). */
export function memberRelationUuids(members: readonly JsonObject[]): { vmis: string[]; vms: string[] } {
  return {
    vmis: members.flatMap((m) => keyValue(m, 'vmi') ?? []),
    vms: members.flatMap((m) => keyValue(m, 'vm') ?? []),
  };
}

export function assembleMemberRows(members: readonly JsonObject[], related: MemberRelations): MemberRow[] {
  const vmiByUuid = new Map(related.vmis.map((v) => [String(v.uuid), v]));
  const vmByUuid = new Map(related.vms.map((v) => [String(v.uuid), v]));
  const ipsByVmi = groupBy(related.instanceIps, (i) => refUuids(i, 'virtual_machine_interface_refs'));
  const vrouterByVm = groupBy(related.vrouters, (r) => refUuids(r, 'virtual_machine_refs'));
  return members
    .map((m) => {
      const mp = propertyStruct(m, 'loadbalancer_member_properties');
      const vmiUuid = keyValue(m, 'vmi');
      const vmi = vmiUuid ? vmiByUuid.get(vmiUuid) : undefined;
      const vmUuid = keyValue(m, 'vm') ?? (vmi ? refUuids(vmi, 'virtual_machine_refs')[0] : undefined);
      const vm = vmUuid ? vmByUuid.get(vmUuid) : undefined;
      const ips = vmiUuid ? (ipsByVmi.get(vmiUuid) ?? []) : [];
      const addresses = ips.map((i) => str(i.instance_ip_address)).filter((a) => a !== null);
      const podIp = addresses.find((a) => !a.includes(':')) ?? addresses[0] ?? null;
      const hostBinding = vmi ? keyValue(vmi, 'host_id', 'virtual_machine_interface_bindings') : undefined;
      const vrouter = vmUuid ? vrouterByVm.get(vmUuid)?.[0] : undefined;
      return {
        ...envelope(m),
        poolUuid: str(m.parent_uuid),
        targetPort: num(mp.protocol_port),
        weight: num(mp.weight),
        address: str(mp.address),
        status: str(mp.status),
        adminState: mp.admin_state !== false,
        isUp: isMemberUp(m),
        pod: vmUuid ? { uuid: vmUuid, ...podOf(vmi, vm) } : null,
        node: hostBinding ?? (vrouter ? envelope(vrouter).name : null),
        podIp,
        vmi: vmiUuid ? { uuid: vmiUuid, name: vmi ? envelope(vmi).name : vmiUuid } : null,
      };
    })
    .sort((a, b) => (a.pod?.name ?? a.name).localeCompare(b.pod?.name ?? b.name));
}

/**
 * A member's pod: kube-manager writes its name and namespace as annotations of the pod's VMI and VM;
 * failing that, the VM's name is `<cluster>__<namespace>__<pod>` (`podVmName`) and the VMI's
 * `<pod>__<uuid>`.
 */
function podOf(vmi: JsonObject | undefined, vm: JsonObject | undefined) {
  let name: string | null = null;
  let namespace: string | null = null;
  for (const obj of [vmi, vm]) {
    if (!obj) continue;
    const kind = keyValue(obj, 'kind');
    if (kind !== undefined && kind !== 'Pod') continue;
    name ??= keyValue(obj, 'name') ?? null;
    namespace ??= keyValue(obj, 'namespace') ?? null;
  }
  const key = vm ? podKeyOfVmName(envelope(vm).displayName) : null;
  if (key) {
    const slash = key.indexOf('/');
    namespace ??= key.slice(0, slash);
    name ??= key.slice(slash + 1);
  }
  if (vmi) name ??= nameParts(envelope(vmi).displayName)[0] ?? null;
  return { name, namespace };
}
