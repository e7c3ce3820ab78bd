// The dataplane: one VRouter per compute node, kept in step with the config store's change feed
// by reconciling only the VMIs and floating IPs an event touches. Reads the store; never writes.

import { ECMP_HASHING_ANNOTATION, ecmpHashingOf, type EcmpHashing } from '@model/dataplane/ecmp-hashing.ts';
import type { ChangeEvent, ConfigStore, StoredObject } from '@server/config-api/store.ts';
import { LB_DEVICE_OWNER, macFromUuid, podKeyOfVmName } from '@model/contrail/names.ts';
import type { Clock } from '@server/clock.ts';
import type { FlowTableOptions } from './flow-table.ts';
import { isIpv4, parseIpv4 } from '@model/net/ipv4.ts';
import type { FipConfig, PodPlacement, PortMapping } from './model.ts';
import { VRouter, type MemberInfo } from './vrouter.ts';

export interface DataplaneOptions {
  clock: Clock;
  flowTable?: FlowTableOptions;
}

export class Dataplane {
  readonly routers = new Map<string, VRouter>();
  readonly placements = new Map<string, PodPlacement>();
  readonly fips = new Map<string, FipConfig>();
  readonly clock: Clock;
  /** virtual-router uuid → node name, to follow renames and deletes. */
  private readonly routerNames = new Map<string, string>();
  /** `<ns>/<pod>` → VMI uuid. */
  private readonly podIndex = new Map<string, string>();
  /** member VMI uuid → floating IPs that list it. */
  private readonly fipsByMember = new Map<string, Set<string>>();
  private readonly dirtyVmis = new Set<string>();
  private readonly dirtyFips = new Set<string>();
  private nextMemberId = 1;
  private readonly unsubscribe: () => void;
  private readonly flowOptions: FlowTableOptions;
  private readonly listeners = new Set<() => void>();
  private generationCounter = 1;

  constructor(
    private readonly store: ConfigStore,
    opts: DataplaneOptions,
  ) {
    this.clock = opts.clock;
    this.flowOptions = opts.flowTable ?? {};
    for (const vr of store.all('virtual-router')) this.upsertRouter(vr);
    for (const vmi of store.all('virtual-machine-interface')) this.dirtyVmis.add(vmi.uuid);
    for (const fip of store.all('floating-ip')) this.dirtyFips.add(fip.uuid);
    this.flush();
    this.unsubscribe = store.subscribe((event) => this.onChange(event));
  }

  /**
   * Bumped by every config change the dataplane applies. Routes, composites, placements and port
   * maps change only then, so a flow decision taken at generation G holds while it is still G.
   */
  get generation(): number {
    return this.generationCounter;
  }

  stop(): void {
    this.unsubscribe();
  }

  /** Called after every change the dataplane applied (for live views). */
  onUpdate(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  router(name: string): VRouter | undefined {
    return this.routers.get(name);
  }

  routerByIp(ip: number): VRouter | undefined {
    for (const r of this.routers.values()) if (r.ip === ip) return r;
    return undefined;
  }

  /** The VMI uuid of a pod `<ns>/<name>`. */
  podVmi(podKey: string): string | undefined {
    return this.podIndex.get(podKey);
  }

  memberInfo(vmiUuid: string): MemberInfo | undefined {
    const placement = this.placements.get(vmiUuid);
    if (!placement) return undefined;
    const router = this.routers.get(placement.node);
    const vif = router?.vifByVmi.get(vmiUuid);
    if (!router || !vif) return undefined;
    return { placement, computeIp: router.ip, label: vif.label };
  }

  // ---- change feed ------------------------------------------------------------------------

  private onChange(event: ChangeEvent): void {
    const obj = event.object;
    const previous = event.kind === 'update' ? event.previous : undefined;
    switch (obj.type) {
      case 'virtual-router':
        if (event.kind === 'delete') this.deleteRouter(obj);
        else this.upsertRouter(obj, previous);
        break;
      case 'virtual-machine-interface':
        this.dirtyVmis.add(obj.uuid);
        break;
      case 'virtual-machine':
        if (event.kind !== 'delete')
          for (const { object } of this.store.backRefs(obj.uuid, 'virtual-machine-interface'))
            this.dirtyVmis.add(object.uuid);
        break;
      case 'instance-ip':
        for (const o of previous ? [obj, previous] : [obj])
          for (const ref of o.refs.get('virtual-machine-interface') ?? []) this.dirtyVmis.add(ref.uuid);
        break;
      case 'floating-ip':
        this.dirtyFips.add(obj.uuid);
        break;
      case 'loadbalancer':
        for (const ref of obj.refs.get('virtual-machine-interface') ?? [])
          for (const fip of this.fipsOfLbVmi(ref.uuid)) this.dirtyFips.add(fip);
        break;
      default:
        return;
    }
    this.generationCounter = (this.generationCounter + 1) >>> 0 || 1;
    this.flush();
  }

  private upsertRouter(vr: StoredObject, previous?: StoredObject): void {
    const name = vr.fqName[vr.fqName.length - 1]!;
    const ipText = vr.props.virtual_router_ip_address;
    const oldName = this.routerNames.get(vr.uuid);
    if (oldName !== undefined && oldName !== name) this.deleteRouter(vr);
    if (typeof ipText !== 'string' || !isIpv4(ipText)) return;
    const ip = parseIpv4(ipText);
    let router = this.routers.get(name);
    if (!router) {
      router = new VRouter(name, ip, (vmi) => this.memberInfo(vmi), this.flowOptions);
      this.routers.set(name, router);
      this.routerNames.set(vr.uuid, name);
      // A new compute learns every pod already placed elsewhere and every VIP.
      for (const p of this.placements.values()) {
        const info = this.memberInfo(p.vmiUuid);
        if (info) router.setRemotePod(p, info.computeIp, info.label);
      }
      for (const fip of this.fips.values()) router.applyFip(fip);
    } else if (router.ip !== ip) {
      // The compute's address changed: re-place its pods so every tunnel follows.
      router.ip = ip;
      for (const p of this.placements.values()) if (p.node === name) this.dirtyVmis.add(p.vmiUuid);
      for (const p of this.placements.values()) if (p.node === name) this.unplace(p);
    }
    const vms = new Set((vr.refs.get('virtual-machine') ?? []).map((r) => r.uuid));
    const before = new Set((previous?.refs.get('virtual-machine') ?? []).map((r) => r.uuid));
    for (const vm of new Set([...vms, ...before]))
      if (vms.has(vm) !== before.has(vm) || !previous)
        for (const { object } of this.store.backRefs(vm, 'virtual-machine-interface'))
          this.dirtyVmis.add(object.uuid);
  }

  private deleteRouter(vr: StoredObject): void {
    const name = this.routerNames.get(vr.uuid);
    if (name === undefined) return;
    const router = this.routers.get(name)!;
    // Deleting from a Map while iterating it is safe: entries not yet visited are still visited.
    for (const p of this.placements.values()) if (p.node === name) this.unplace(p);
    this.routers.delete(name);
    this.routerNames.delete(vr.uuid);
    for (const other of this.routers.values()) other.dropTunnel(router.ip);
  }

  private flush(): void {
    if (this.dirtyVmis.size === 0 && this.dirtyFips.size === 0) return;
    for (const vmi of this.dirtyVmis) this.reconcileVmi(vmi);
    this.dirtyVmis.clear();
    for (const fip of this.dirtyFips) this.reconcileFip(fip);
    this.dirtyFips.clear();
    for (const listener of this.listeners) listener();
  }

  // ---- pod interfaces ---------------------------------------------------------------------

  private reconcileVmi(uuid: string): void {
    const current = this.placements.get(uuid);
    const desired = this.desiredPlacement(uuid);
    if (
      current &&
      desired &&
      current.node === desired.node &&
      current.ip === desired.ip &&
      current.mac === desired.mac &&
      current.vrfName === desired.vrfName
    )
      return;
    if (current) this.unplace(current);
    if (!desired) return;
    const placement: PodPlacement = { ...desired, memberId: this.nextMemberId++ };
    this.placements.set(uuid, placement);
    if (placement.podKey) this.podIndex.set(placement.podKey, uuid);
    const host = this.routers.get(placement.node)!;
    const vif = host.attachLocal(placement);
    for (const router of this.routers.values())
      if (router !== host) router.setRemotePod(placement, host.ip, vif.label);
    this.markFipsOf(uuid);
  }

  private unplace(p: PodPlacement): void {
    this.placements.delete(p.vmiUuid);
    if (p.podKey && this.podIndex.get(p.podKey) === p.vmiUuid) this.podIndex.delete(p.podKey);
    for (const router of this.routers.values()) {
      if (router.name === p.node) router.detachLocal(p.vmiUuid);
      else router.removeRemotePod(p);
    }
    this.markFipsOf(p.vmiUuid);
  }

  private markFipsOf(vmiUuid: string): void {
    for (const fip of this.fipsByMember.get(vmiUuid) ?? []) this.dirtyFips.add(fip);
    for (const { object } of this.store.backRefs(vmiUuid, 'floating-ip')) this.dirtyFips.add(object.uuid);
  }

  private desiredPlacement(uuid: string): Omit<PodPlacement, 'memberId'> | undefined {
    const vmi = this.store.get(uuid);
    if (!vmi || vmi.type !== 'virtual-machine-interface') return undefined;
    if (vmi.props.virtual_machine_interface_device_owner === LB_DEVICE_OWNER) return undefined;
    const vmRef = vmi.refs.get('virtual-machine')?.[0];
    const vm = vmRef ? this.store.get(vmRef.uuid) : undefined;
    if (!vm) return undefined;
    const node = this.nodeOf(vm, vmi);
    if (!node) return undefined;
    const iip = this.store
      .backRefs(uuid, 'instance-ip')
      .map((b) => b.object)
      .find((o) => typeof o.props.instance_ip_address === 'string' && isIpv4(o.props.instance_ip_address));
    const vnRef = vmi.refs.get('virtual-network')?.[0];
    const vn = vnRef ? this.store.get(vnRef.uuid) : undefined;
    if (!iip || !vn) return undefined;
    const ipText = iip.props.instance_ip_address as string;
    const macs = (
      vmi.props.virtual_machine_interface_mac_addresses as { mac_address?: unknown[] } | undefined
    )?.mac_address;
    const mac = typeof macs?.[0] === 'string' ? macs[0] : macFromUuid(uuid);
    const vmName = vm.fqName[vm.fqName.length - 1]!;
    return {
      vmiUuid: uuid,
      vmUuid: vm.uuid,
      podKey: podKeyOf(vmi, vmName),
      vmName,
      node,
      ip: parseIpv4(ipText),
      ipText,
      mac,
      vnName: vn.fqKey,
      vrfName: this.vrfNameOf(vn),
    };
  }

  /** The compute hosting a VM: the virtual-router that refers to it, else the VMI's host_id binding. */
  private nodeOf(vm: StoredObject, vmi: StoredObject): string | undefined {
    for (const { object } of this.store.backRefs(vm.uuid, 'virtual-router')) {
      const name = this.routerNames.get(object.uuid);
      if (name !== undefined) return name;
    }
    const pairs = (vmi.props.virtual_machine_interface_bindings as { key_value_pair?: unknown[] } | undefined)
      ?.key_value_pair;
    for (const pair of pairs ?? []) {
      const kv = pair as { key?: unknown; value?: unknown };
      if (kv.key === 'host_id' && typeof kv.value === 'string' && this.routers.has(kv.value)) return kv.value;
    }
    return undefined;
  }

  private vrfNameOf(vn: StoredObject): string {
    const ri = this.store
      .children(vn.uuid, 'routing-instance')
      .find((r) => r.props.routing_instance_is_default === true);
    return ri ? ri.fqKey : `${vn.fqKey}:${vn.fqName[vn.fqName.length - 1]!}`;
  }

  // ---- floating IPs -----------------------------------------------------------------------

  private reconcileFip(uuid: string): void {
    const previous = this.fips.get(uuid);
    const desired = this.desiredFip(uuid);
    for (const vmi of previous?.memberVmis ?? []) this.fipsByMember.get(vmi)?.delete(uuid);
    if (!desired) {
      this.fips.delete(uuid);
      for (const router of this.routers.values()) router.removeFip(uuid);
      return;
    }
    this.fips.set(uuid, desired);
    for (const vmi of desired.memberVmis) {
      let set = this.fipsByMember.get(vmi);
      if (!set) this.fipsByMember.set(vmi, (set = new Set()));
      set.add(uuid);
    }
    for (const router of this.routers.values()) router.applyFip(desired);
  }

  private desiredFip(uuid: string): FipConfig | undefined {
    const fip = this.store.get(uuid);
    if (!fip || fip.type !== 'floating-ip' || !fip.parent) return undefined;
    const ipText = fip.props.floating_ip_address;
    if (typeof ipText !== 'string' || !isIpv4(ipText)) return undefined;
    const parent = this.store.get(fip.parent.uuid);
    if (!parent) return undefined;
    let vn: StoredObject | undefined;
    if (parent.type === 'instance-ip') {
      const ref = parent.refs.get('virtual-network')?.[0];
      vn = ref ? this.store.get(ref.uuid) : undefined;
    } else if (parent.type === 'floating-ip-pool' && parent.parent) {
      vn = this.store.get(parent.parent.uuid);
    }
    if (!vn) return undefined;
    const maps = (fip.props.floating_ip_port_mappings as { port_mappings?: unknown[] } | undefined)
      ?.port_mappings;
    const portMaps: PortMapping[] = [];
    const portMapIndex = new Map<number, number>();
    for (const m of maps ?? []) {
      const { protocol, src_port: srcPort, dst_port: dstPort } = m as Record<string, unknown>;
      const proto = protocolNumber(String(protocol));
      if (proto === undefined || typeof srcPort !== 'number' || typeof dstPort !== 'number') continue;
      portMaps.push({ protocol: String(protocol).toUpperCase(), srcPort, dstPort });
      // The agent keys the map on (protocol, service port); the first entry wins.
      const key = (proto << 16) | srcPort;
      if (!portMapIndex.has(key)) portMapIndex.set(key, dstPort);
    }
    return {
      uuid,
      ip: parseIpv4(ipText),
      ipText,
      vnName: vn.fqKey,
      vrfName: this.vrfNameOf(vn),
      isClusterVip: parent.type === 'instance-ip',
      direction:
        typeof fip.props.floating_ip_traffic_direction === 'string'
          ? fip.props.floating_ip_traffic_direction
          : 'both',
      portMapEnabled: fip.props.floating_ip_port_mappings_enable === true,
      portMaps,
      portMapIndex,
      memberVmis: (fip.refs.get('virtual-machine-interface') ?? []).map((r) => r.uuid),
      hashing: this.hashingOf(fip, parent),
    };
  }

  /** `ecmp-hashing` from the floating-ip itself, else from its Service's loadbalancer. */
  private hashingOf(fip: StoredObject, parent: StoredObject): EcmpHashing {
    const own = annotation(fip, ECMP_HASHING_ANNOTATION);
    if (own !== undefined) return ecmpHashingOf(own);
    const lbVmis = [
      ...(parent.type === 'instance-ip' ? (parent.refs.get('virtual-machine-interface') ?? []) : []),
      ...(fip.refs.get('virtual-machine-interface') ?? []),
    ];
    for (const ref of lbVmis) {
      const vmi = this.store.get(ref.uuid);
      if (vmi?.props.virtual_machine_interface_device_owner !== LB_DEVICE_OWNER) continue;
      for (const { object: lb } of this.store.backRefs(ref.uuid, 'loadbalancer')) {
        const value = annotation(lb, ECMP_HASHING_ANNOTATION);
        if (value !== undefined) return ecmpHashingOf(value);
      }
    }
    return 'contrail';
  }

  private fipsOfLbVmi(lbVmi: string): string[] {
    const out = this.store.backRefs(lbVmi, 'floating-ip').map((b) => b.object.uuid);
    for (const { object: iip } of this.store.backRefs(lbVmi, 'instance-ip'))
      for (const fip of this.store.children(iip.uuid, 'floating-ip')) out.push(fip.uuid);
    return out;
  }
}

function annotation(obj: StoredObject, key: string): string | undefined {
  return obj.annotations?.find((a) => a.key === key)?.value;
}

/** `<ns>/<pod>` from the VMI's `namespace`/`name` annotations, else from the pod VM name. */
function podKeyOf(vmi: StoredObject, vmName: string): string | null {
  const ns = annotation(vmi, 'namespace');
  const name = annotation(vmi, 'name');
  return ns && name ? `${ns}/${name}` : podKeyOfVmName(vmName);
}

export function protocolNumber(name: string): number | undefined {
  switch (name.toUpperCase()) {
    case 'TCP':
      return 6;
    case 'UDP':
      return 17;
    case 'ICMP':
      return 1;
    case 'SCTP':
      return 132;
    default:
      return undefined;
  }
}
