// The dataplane: one VRouter per compute node and the control node between them, kept in step
// with the config store's change feed by reconciling only the VMIs, floating IPs and networks an
// event touches. Reads the store; never writes.

import { ECMP_HASHING_ANNOTATION } from '@model/dataplane/ecmp-hashing.ts';
import { ALL_HASH_FIELDS, maskOfConfig, type HashFieldMask } from '@model/dataplane/ecmp-load-balance.ts';
import { LB_DEVICE_OWNER, macFromUuid, podKeyOfVmName } from '@model/contrail/names.ts';
import { isIpv4, parseIpv4, tryParseIpv4 } from '@model/net/ipv4.ts';
import type { ChangeEvent, ConfigStore, StoredObject } from '@server/config-api/store.ts';
import type { Clock } from '@server/clock.ts';
import { ControlNode } from './control-node.ts';
import type { FlowTableOptions } from './flow-table.ts';
import { VRouter, type FipConfig, type PodPlacement, type PortMapping, type VnInfo } from './vrouter.ts';

export type { FipConfig, PodPlacement } from './vrouter.ts';

export interface DataplaneOptions {
  clock: Clock;
  flowTable?: FlowTableOptions;
  /** The control node's address (the computes' XMPP and BGP peer). */
  controlNode?: string;
}

export interface MemberInfo {
  readonly placement: PodPlacement;
  readonly computeIp: number;
  readonly label: number;
}

export class Dataplane {
  readonly routers = new Map<string, VRouter>();
  readonly placements = new Map<string, PodPlacement>();
  readonly fips = new Map<string, FipConfig>();
  readonly vns = new Map<string, VnInfo>();
  readonly clock: Clock;
  readonly controlNode: ControlNode;
  /** virtual-router uuid → node name, to follow renames and deletes. */
  private readonly routerNames = new Map<string, string>();
  private readonly routersByIp = new Map<number, VRouter>();
  /** `<ns>/<pod>` → VMI uuid. */
  private readonly podIndex = new Map<string, string>();
  /** member VMI uuid → floating IPs that list it. */
  private readonly fipsByMember = new Map<string, Set<string>>();
  /** VRF name → FIP address → FIP uuid (which prefixes are ClusterIP VIPs). */
  private readonly fipsByVrf = new Map<string, Map<number, string>>();
  /** VN fq_name key → VN uuid, and the VRF names of networks that hold pods. */
  private readonly vnByName = new Map<string, string>();
  private readonly podVrfs = new Set<string>();
  private readonly dirtyVmis = new Set<string>();
  private readonly dirtyFips = new Set<string>();
  private readonly dirtyVns = new Set<string>();
  private globalHashFields: HashFieldMask | undefined;
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
    this.controlNode = new ControlNode(opts.controlNode ?? '127.0.0.1', {
      routers: () => this.routers.values(),
      vn: (vrf) => this.vnOfVrf(vrf),
      podVrfs: () => this.podVrfs,
      isClusterVip: (vrf, prefix) => {
        const fip = this.fipsByVrf.get(vrf)?.get(prefix >>> 0);
        return fip !== undefined && this.fips.get(fip)?.isClusterVip === true;
      },
    });
    this.globalHashFields = this.readGlobalHashFields();
    for (const vn of store.all('virtual-network')) this.dirtyVns.add(vn.uuid);
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
    return this.routersByIp.get(ip >>> 0);
  }

  /** The VMI uuid of a pod `<ns>/<name>`. */
  podVmi(podKey: string): string | undefined {
    return this.podIndex.get(podKey);
  }

  /** Whether a VIP runs the Maglev what-if (not Contrail behaviour). */
  isMaglevVip(ip: number): boolean {
    for (const byIp of this.fipsByVrf.values()) {
      const fip = byIp.get(ip >>> 0);
      if (fip !== undefined && this.fips.get(fip)?.maglev) return true;
    }
    return false;
  }

  memberInfo(vmiUuid: string): MemberInfo | undefined {
    const placement = this.placements.get(vmiUuid);
    const router = placement ? this.routers.get(placement.node) : undefined;
    const vif = router?.vifByVmi.get(vmiUuid);
    if (!placement || !router || !vif) return undefined;
    return { placement, computeIp: router.ip, label: vif.label };
  }

  private vnOfVrf(vrfName: string): VnInfo | null {
    for (const vn of this.vns.values()) if (vn.vrfName === vrfName) return vn;
    return null;
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
      case 'virtual-network':
        this.dirtyVns.add(obj.uuid);
        // The network's hash fields apply to its VMIs that set none themselves.
        for (const { object } of this.store.backRefs(obj.uuid, 'virtual-machine-interface'))
          this.dirtyVmis.add(object.uuid);
        break;
      case 'network-ipam':
        for (const { object } of this.store.backRefs(obj.uuid, 'virtual-network'))
          this.dirtyVns.add(object.uuid);
        break;
      case 'global-vrouter-config': {
        const fields = this.readGlobalHashFields();
        if (fields === this.globalHashFields) return;
        this.globalHashFields = fields;
        for (const vmi of this.placements.keys()) this.dirtyVmis.add(vmi);
        break;
      }
      default:
        return;
    }
    this.generationCounter = (this.generationCounter + 1) >>> 0 || 1;
    this.flush();
  }

  /** `ecmp_hashing_include_fields` of the global-vrouter-config, when configured. */
  private readGlobalHashFields(): HashFieldMask | undefined {
    for (const gvc of this.store.all('global-vrouter-config')) {
      const mask = maskOfConfig(gvc.props.ecmp_hashing_include_fields);
      if (mask !== undefined) return mask;
    }
    return undefined;
  }

  private upsertRouter(vr: StoredObject, previous?: StoredObject): void {
    const name = vr.fqName[vr.fqName.length - 1]!;
    const ipText = vr.props.virtual_router_ip_address;
    const oldName = this.routerNames.get(vr.uuid);
    if (oldName !== undefined && oldName !== name) this.deleteRouter(vr);
    if (typeof ipText !== 'string' || !isIpv4(ipText)) return;
    const ip = parseIpv4(ipText);
    let router = this.routers.get(name);
    if (router && router.ip !== ip) {
      // The compute's address changed: its agent reconnects with a new identity.
      this.deleteRouter(vr);
      router = undefined;
    }
    if (!router) {
      router = new VRouter(name, ip, this.flowOptions);
      router.controlNodeAddress = this.controlNode.address;
      router.onExport((r, route, exported) => this.controlNode.update(r, route, exported));
      this.routers.set(name, router);
      this.routersByIp.set(ip >>> 0, router);
      this.routerNames.set(vr.uuid, name);
      for (const vn of this.vns.values())
        if (this.podVrfs.has(vn.vrfName)) router.ensureVrf(vn.vrfName, vn.name, vn);
      this.controlNode.syncRouter(router);
      for (const fip of this.fips.values()) router.applyFip(fip, this.vnOfVrf(fip.vrfName));
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
    for (const p of this.placements.values())
      if (p.node === name) {
        this.unplace(p);
        this.dirtyVmis.add(p.vmiUuid);
      }
    this.controlNode.withdrawAll(router.ip);
    this.routers.delete(name);
    this.routersByIp.delete(router.ip >>> 0);
    this.routerNames.delete(vr.uuid);
  }

  private flush(): void {
    if (this.dirtyVmis.size > 0 || this.dirtyFips.size > 0 || this.dirtyVns.size > 0) {
      for (const vn of this.dirtyVns) this.reconcileVn(vn);
      this.dirtyVns.clear();
      for (const vmi of this.dirtyVmis) this.reconcileVmi(vmi);
      this.dirtyVmis.clear();
      for (const fip of this.dirtyFips) this.reconcileFip(fip);
      this.dirtyFips.clear();
      this.controlNode.publishPending();
      for (const listener of this.listeners) listener();
      return;
    }
    this.controlNode.publishPending();
  }

  // ---- networks ---------------------------------------------------------------------------------

  private reconcileVn(uuid: string): void {
    const obj = this.store.get(uuid);
    if (!obj || obj.type !== 'virtual-network') {
      for (const [name, id] of this.vnByName) if (id === uuid) this.vnByName.delete(name);
      this.vns.delete(uuid);
      return;
    }
    const vn: VnInfo = {
      name: obj.fqKey,
      vrfName: this.vrfNameOf(obj),
      forwardingMode: forwardingModeOf(obj),
      subnets: this.subnetsOf(obj),
    };
    this.vns.set(uuid, vn);
    this.vnByName.set(obj.fqKey, uuid);
    for (const router of this.routers.values()) {
      const vrf = router.vrfs.get(vn.vrfName);
      if (vrf) router.setVn(vrf, vn);
    }
  }

  /** IPAM subnets of a VN: the ref's own subnets, else the flat-subnet IPAM's (kube-manager's). */
  private subnetsOf(vn: StoredObject): VnInfo['subnets'] {
    const out: { prefix: number; plen: number; gateway: number | null; dns: number | null }[] = [];
    for (const ref of vn.refs.get('network-ipam') ?? []) {
      const attr = ref.attr as { ipam_subnets?: unknown[] } | null;
      let subnets = Array.isArray(attr?.ipam_subnets) ? attr.ipam_subnets : [];
      if (subnets.length === 0) {
        const ipam = this.store.get(ref.uuid);
        const flat = (ipam?.props.ipam_subnets as { subnets?: unknown[] } | undefined)?.subnets;
        subnets = Array.isArray(flat) ? flat : [];
      }
      for (const s of subnets) {
        const sub = s as {
          subnet?: { ip_prefix?: unknown; ip_prefix_len?: unknown };
          default_gateway?: unknown;
          dns_server_address?: unknown;
        };
        const prefix =
          typeof sub.subnet?.ip_prefix === 'string' ? tryParseIpv4(sub.subnet.ip_prefix) : undefined;
        const plen = sub.subnet?.ip_prefix_len;
        if (prefix === undefined || typeof plen !== 'number' || plen < 0 || plen > 32) continue;
        const gateway = addr(sub.default_gateway);
        const dns = addr(sub.dns_server_address);
        out.push({ prefix, plen, gateway: gateway === 0 ? null : gateway, dns: dns === 0 ? null : dns });
      }
    }
    return out;
  }

  private vnInfoByName(vnName: string): VnInfo | null {
    const uuid = this.vnByName.get(vnName);
    return uuid ? (this.vns.get(uuid) ?? null) : null;
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
    ) {
      // Only the hash fields moved: the agent re-syncs the interface's paths in place.
      if (current.hashFields !== desired.hashFields) {
        const placement = withPlacement(current, desired.hashFields, current.memberId);
        this.placements.set(uuid, placement);
        this.routers.get(placement.node)?.setVmiHashFields(placement);
      }
      return;
    }
    if (current) this.unplace(current);
    if (!desired) return;
    const placement = withPlacement(desired, desired.hashFields, this.nextMemberId++);
    this.placements.set(uuid, placement);
    if (placement.podKey) this.podIndex.set(placement.podKey, uuid);
    const host = this.routers.get(placement.node)!;
    const newPodVrf = !this.podVrfs.has(placement.vrfName);
    this.podVrfs.add(placement.vrfName);
    if (newPodVrf) {
      const vn = this.vnInfoByName(placement.vnName);
      for (const router of this.routers.values()) router.ensureVrf(placement.vrfName, placement.vnName, vn);
      this.controlNode.podVrfAdded();
    }
    host.attachLocal(placement, this.vnInfoByName(placement.vnName));
    this.markFipsOf(uuid);
  }

  private unplace(p: PodPlacement): void {
    this.placements.delete(p.vmiUuid);
    if (p.podKey && this.podIndex.get(p.podKey) === p.vmiUuid) this.podIndex.delete(p.podKey);
    this.routers.get(p.node)?.detachLocal(p.vmiUuid);
    this.markFipsOf(p.vmiUuid);
  }

  private markFipsOf(vmiUuid: string): void {
    for (const fip of this.fipsByMember.get(vmiUuid) ?? []) this.dirtyFips.add(fip);
    for (const { object } of this.store.backRefs(vmiUuid, 'floating-ip')) this.dirtyFips.add(object.uuid);
  }

  private desiredPlacement(uuid: string): PodPlacement | undefined {
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
      vmiName: vmi.fqKey,
      node,
      ip: parseIpv4(ipText),
      ipText,
      mac,
      vnName: vn.fqKey,
      vrfName: this.vrfNameOf(vn),
      hashFields: this.hashFieldsOf(vmi, vn),
      memberId: 0,
    };
  }

  /**
   * The agent's precedence (oper/vm_interface_config.cc BuildEcmpHashingIncludeFields and
   * vm_interface_utils.cc CopyEcmpLoadBalance): the VMI's `ecmp_hashing_include_fields` when
   * `hashing_configured`, else its VN's, else the global-vrouter-config's, else all fields.
   */
  private hashFieldsOf(vmi: StoredObject, vn: StoredObject): HashFieldMask {
    return (
      maskOfConfig(vmi.props.ecmp_hashing_include_fields) ??
      maskOfConfig(vn.props.ecmp_hashing_include_fields) ??
      this.globalHashFields ??
      ALL_HASH_FIELDS
    );
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
    if (previous) this.fipsByVrf.get(previous.vrfName)?.delete(previous.ip >>> 0);
    if (!desired) {
      this.fips.delete(uuid);
      for (const router of this.routers.values()) router.removeFip(uuid);
      if (previous) this.controlNode.refreshLeak(previous.vrfName, previous.ip);
      return;
    }
    this.fips.set(uuid, desired);
    let byIp = this.fipsByVrf.get(desired.vrfName);
    if (!byIp) this.fipsByVrf.set(desired.vrfName, (byIp = new Map()));
    byIp.set(desired.ip >>> 0, uuid);
    for (const vmi of desired.memberVmis) {
      let set = this.fipsByMember.get(vmi);
      if (!set) this.fipsByMember.set(vmi, (set = new Set()));
      set.add(uuid);
    }
    const vn = this.vnInfoByName(desired.vnName);
    for (const router of this.routers.values()) router.applyFip(desired, vn);
    this.controlNode.refreshLeak(desired.vrfName, desired.ip);
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
      portMaps.push({ protocol: String(protocol).toUpperCase(), protocolNumber: proto, srcPort, dstPort });
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
      maglev: this.maglevWhatIf(fip, parent),
    };
  }

  /**
   * The Maglev what-if (not Contrail): `ecmp-hashing: maglev` on the floating-ip itself, else on
   * its Service's loadbalancer (kube-manager copies the Service annotation there).
   */
  private maglevWhatIf(fip: StoredObject, parent: StoredObject): boolean {
    const own = annotation(fip, ECMP_HASHING_ANNOTATION);
    if (own !== undefined) return own === 'maglev';
    const lbVmis = [
      ...(parent.type === 'instance-ip' ? (parent.refs.get('virtual-machine-interface') ?? []) : []),
      ...(fip.refs.get('virtual-machine-interface') ?? []),
    ];
    for (const ref of lbVmis) {
      const vmi = this.store.get(ref.uuid);
      if (vmi?.props.virtual_machine_interface_device_owner !== LB_DEVICE_OWNER) continue;
      for (const { object: lb } of this.store.backRefs(ref.uuid, 'loadbalancer')) {
        const value = annotation(lb, ECMP_HASHING_ANNOTATION);
        if (value !== undefined) return value === 'maglev';
      }
    }
    return false;
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

/**
 * A placement with these hash fields and member id, written out field by field: placements are
 * read on every packet, and an object spread would give them a slower shape.
 */
function withPlacement(p: PodPlacement, hashFields: HashFieldMask, memberId: number): PodPlacement {
  return {
    vmiUuid: p.vmiUuid,
    vmUuid: p.vmUuid,
    podKey: p.podKey,
    vmName: p.vmName,
    vmiName: p.vmiName,
    node: p.node,
    ip: p.ip,
    ipText: p.ipText,
    mac: p.mac,
    vnName: p.vnName,
    vrfName: p.vrfName,
    hashFields,
    memberId,
  };
}

/** A dotted address field, or null when absent or malformed. */
const addr = (v: unknown) => (typeof v === 'string' ? (tryParseIpv4(v) ?? null) : null);

/** `virtual_network_properties.forwarding_mode`; the schema default is `l2_l3`. */
function forwardingModeOf(vn: StoredObject): string {
  const props = vn.props.virtual_network_properties as { forwarding_mode?: unknown } | undefined;
  return typeof props?.forwarding_mode === 'string' && props.forwarding_mode !== ''
    ? props.forwarding_mode
    : 'l2_l3';
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
