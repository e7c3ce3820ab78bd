// The API server's address management (vnc_addr_mgmt.py, zkclient.py `IndexAllocator`,
// resources/instance_ip.py, resources/virtual_network.py): instance-ip allocation from a network's
// user-defined or flat (IPAM) subnets, the reserved gateway and service (DNS) addresses, and the
// virtual-network id allocator. Bookkeeping is derived from stored objects, so a restart rebuilds
// it exactly. Reads the store through its view; the store calls `insert`/`remove` on commit.

import type { ObjectType } from '@model/contrail/schema.ts';
import { tryParseIpv4 } from '@model/net/ipv4.ts';
import { Conflict, Invalid } from './errors.ts';
import { pyRepr } from './python-format.ts';
import type { StoreView, StoredObject, StoredRef } from './stored-object.ts';

/** zkclient IndexAllocator `max_alloc` for subnets: `_MAX_SUBNET_ADDR_ALLOC` (vnc_db.py). */
const MAX_SUBNET_ADDR_ALLOC = 65535;
/** vnc_db.py `_VN_MAX_ID` and cfgm_common `VNID_MIN_ALLOC`. */
const VN_MAX_ID = 1 << 24;
const VNID_MIN_ALLOC = 1;

/** One IPv4 subnet with its allocator, as `Subnet.__init__` (vnc_addr_mgmt.py) builds it. */
interface Subnet {
  /** The allocator name: `<fq_name joined by ':'>:<prefix>/<len>` of the network or IPAM. */
  readonly key: string;
  /** `<prefix>/<len>`, as error texts show it. */
  readonly name: string;
  readonly base: number;
  readonly size: number;
  readonly gateway: number | null;
  readonly dns: number | null;
  /** Allocation pools as inclusive address ranges, sorted by start. */
  readonly pools: readonly (readonly [number, number])[];
  /** `addr_from_start`: allocate upwards; by default Contrail allocates from the end downwards. */
  readonly fromStart: boolean;
  readonly subnetUuid: string | null;
  readonly subnetting: boolean;
}

type Asked = number | undefined;

interface Placement {
  readonly subnet: Subnet;
  readonly address: number;
}

/** What an instance-ip create resolves to: the address to store and its subnet uuid. */
export interface InstanceIpAssignment {
  readonly address: string;
  readonly subnetUuid: string | null;
}

/** An allocation attempt: the address and its subnet, or why none (AddrMgmt* exceptions). */
type Attempt =
  | { readonly address: number; readonly subnet: Subnet; readonly subnetUuid: string | null }
  | { readonly failure: 'absent' | 'invalid' | 'exhausted'; readonly message: string };

const fqText = (fqName: readonly string[]) => pyRepr(fqName);

function formatIp(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function records(value: unknown): Record<string, unknown>[] {
  if (!Array.isArray(value)) return [];
  const out: Record<string, unknown>[] = [];
  for (const item of value) {
    const r = record(item);
    if (r) out.push(r);
  }
  return out;
}

/** `IpamSubnetType` → Subnet; IPv6 and malformed subnets are not modelled (undefined). */
function subnetOf(
  owner: readonly string[],
  ipamSubnet: Record<string, unknown>,
  subnetting: boolean,
): Subnet | undefined {
  const subnet = record(ipamSubnet.subnet);
  const prefix = typeof subnet?.ip_prefix === 'string' ? tryParseIpv4(subnet.ip_prefix) : undefined;
  const len = subnet?.ip_prefix_len;
  if (prefix === undefined || typeof len !== 'number' || len < 0 || len > 32) return undefined;
  const size = 2 ** (32 - len);
  const base = prefix - (prefix % size);
  const last = base + size - 1;
  const fromStart = ipamSubnet.addr_from_start === true;
  const given = (key: string) =>
    typeof ipamSubnet[key] === 'string' && ipamSubnet[key] !== 'None'
      ? tryParseIpv4(ipamSubnet[key] as string)
      : undefined;
  // Gateway and service address: configured, else first+1 / first+2 with addr_from_start, else
  // last-1 / last-2; none on a subnetted IPAM subnet (Subnet.__init__).
  const gateway = given('default_gateway') ?? (subnetting ? null : fromStart ? base + 1 : last - 1);
  const dns = given('dns_server_address') ?? (subnetting ? null : fromStart ? base + 2 : last - 2);
  const pools: [number, number][] = [];
  for (const pool of records(ipamSubnet.allocation_pools)) {
    const start = typeof pool.start === 'string' ? tryParseIpv4(pool.start) : undefined;
    const end = typeof pool.end === 'string' ? tryParseIpv4(pool.end) : undefined;
    if (start !== undefined && end !== undefined && start >= base && end <= last && start <= end)
      pools.push([start, end]);
  }
  // Without allocation pools, the whole prefix but the broadcast address.
  if (pools.length === 0) pools.push([base, last - 1]);
  pools.sort((a, b) => a[0] - b[0]);
  const name = `${formatIp(base)}/${len}`;
  return {
    key: `${owner.join(':')}:${name}`,
    name,
    base,
    size,
    gateway,
    dns,
    pools,
    fromStart,
    subnetUuid: typeof ipamSubnet.subnet_uuid === 'string' ? ipamSubnet.subnet_uuid : null,
    subnetting,
  };
}

function contains(subnet: Subnet, address: number): boolean {
  return address >= subnet.base && address < subnet.base + subnet.size;
}

/** Network, broadcast, gateway and service address: never handed out (Subnet `_exclude`). */
function isExcluded(subnet: Subnet, address: number): boolean {
  return (
    address === subnet.base ||
    address === subnet.base + subnet.size - 1 ||
    (!subnet.subnetting && (address === subnet.gateway || address === subnet.dns))
  );
}

/** IndexAllocator bit → address: pools concatenated, from the end of the last when reversed. */
function bitToAddress(subnet: Subnet, bit: number): number | undefined {
  let rest = bit;
  const pools = subnet.fromStart ? subnet.pools : [...subnet.pools].reverse();
  for (const [start, end] of pools) {
    const span = end - start + 1;
    if (rest < span) return subnet.fromStart ? start + rest : end - rest;
    rest -= span;
  }
  return undefined;
}

function addressToBit(subnet: Subnet, address: number): number | undefined {
  let before = 0;
  const pools = subnet.fromStart ? subnet.pools : [...subnet.pools].reverse();
  for (const [start, end] of pools) {
    if (address >= start && address <= end)
      return before + (subnet.fromStart ? address - start : end - address);
    before += end - start + 1;
  }
  return undefined;
}

export class AddressManager {
  /** Allocator name → address → owning object uuid (the ZooKeeper node's value). */
  private readonly used = new Map<string, Map<number, string>>();
  /** Allocator name → lowest bit that may be free, valid for the subnet shape it was taken with. */
  private readonly hints = new Map<string, { shape: string; bit: number }>();
  /** instance-ip / floating-ip uuid → where its address is held. */
  private readonly placements = new Map<string, Placement>();
  /** virtual_network_network_id → network uuid. */
  private readonly networkIds = new Map<number, string>();
  private networkIdHint = VNID_MIN_ALLOC;
  /** Subnets parsed once per stored object version (objects are immutable). */
  private readonly userSubnetCache = new WeakMap<StoredObject, Subnet[]>();
  private readonly ipamSubnetCache = new WeakMap<StoredObject, Subnet[]>();

  constructor(private readonly view: StoreView) {}

  // ---- bookkeeping, called by the store on commit (and for every object on restore) ---------

  insert(obj: StoredObject): void {
    if (obj.type === 'virtual-network') {
      const id = obj.props.virtual_network_network_id;
      if (typeof id === 'number') this.networkIds.set(id, obj.uuid);
    } else if (obj.type === 'instance-ip' || obj.type === 'floating-ip') {
      const placement = this.placementOf(obj);
      if (!placement) return;
      const { key } = placement.subnet;
      let used = this.used.get(key);
      if (!used) this.used.set(key, (used = new Map()));
      if (!used.has(placement.address)) used.set(placement.address, obj.uuid);
      this.placements.set(obj.uuid, placement);
    }
  }

  remove(obj: StoredObject): void {
    if (obj.type === 'virtual-network') {
      const id = obj.props.virtual_network_network_id;
      if (typeof id === 'number' && this.networkIds.get(id) === obj.uuid) {
        this.networkIds.delete(id);
        this.networkIdHint = Math.min(this.networkIdHint, id);
      }
      return;
    }
    const placement = this.placements.get(obj.uuid);
    if (!placement) return;
    this.placements.delete(obj.uuid);
    const { subnet, address } = placement;
    const used = this.used.get(subnet.key);
    // ip_free_req frees only the owner's allocation (the zk node's value must be this uuid).
    if (used?.get(address) !== obj.uuid) return;
    used.delete(address);
    // A freed address is handed out again as soon as it is the lowest free bit (IndexAllocator).
    const hint = this.hints.get(subnet.key);
    const bit = addressToBit(subnet, address);
    if (hint && bit !== undefined) hint.bit = Math.min(hint.bit, bit);
  }

  /** Where an instance-ip or pool floating-ip holds its address, derived from its network. */
  private placementOf(obj: StoredObject): Placement | undefined {
    const text = obj.type === 'instance-ip' ? obj.props.instance_ip_address : obj.props.floating_ip_address;
    const address = typeof text === 'string' ? tryParseIpv4(text) : undefined;
    if (address === undefined) return undefined;
    if (obj.type === 'floating-ip') {
      // A floating-ip under an instance-ip allocates nothing (floating_ip.py pre_dbe_create).
      if (obj.parent?.type !== 'floating-ip-pool') return undefined;
      const pool = this.view.get(obj.parent.uuid);
      const vn = pool?.parent ? this.view.get(pool.parent.uuid) : undefined;
      return vn ? this.placeInNetwork(vn, address) : undefined;
    }
    const vnRef = obj.refs.get('virtual-network')?.[0];
    const vn = vnRef ? this.view.get(vnRef.uuid) : undefined;
    if (vn) return this.placeInNetwork(vn, address);
    const ipamRef = obj.refs.get('network-ipam')?.[0];
    if (!ipamRef) return undefined;
    const subnet = this.ipamSubnets(ipamRef.uuid).find((s) => contains(s, address));
    return subnet ? { subnet, address } : undefined;
  }

  /** The allocator holding `address` in a network: its flat IPAM subnets first, as `is_ip_allocated`. */
  private placeInNetwork(vn: StoredObject, address: number): Placement | undefined {
    const subnet =
      this.flatSubnets(vn).find((s) => contains(s, address)) ??
      this.userSubnets(vn).find((s) => contains(s, address));
    return subnet ? { subnet, address } : undefined;
  }

  // ---- subnets -------------------------------------------------------------------------------

  /** User-defined subnets: the VnSubnetsType on each network → IPAM link (`_get_net_subnet_dicts`). */
  private userSubnets(vn: StoredObject): Subnet[] {
    const cached = this.userSubnetCache.get(vn);
    if (cached) return cached;
    const out: Subnet[] = [];
    for (const ref of vn.refs.get('network-ipam') ?? [])
      for (const ipamSubnet of records(record(ref.attr)?.ipam_subnets)) {
        const subnet = subnetOf(vn.fqName, ipamSubnet, false);
        if (subnet) out.push(subnet);
      }
    this.userSubnetCache.set(vn, out);
    return out;
  }

  /** The subnets of an IPAM (`_get_ipam_subnet_objs_from_ipam_uuid`), named after the IPAM. */
  private ipamSubnets(ipamUuid: string): Subnet[] {
    const ipam = this.view.get(ipamUuid);
    if (!ipam) return [];
    const cached = this.ipamSubnetCache.get(ipam);
    if (cached) return cached;
    const subnetting = ipam.props.ipam_subnetting === true;
    const out = records(record(ipam.props.ipam_subnets)?.subnets).flatMap(
      (s) => subnetOf(ipam.fqName, s, subnetting) ?? [],
    );
    this.ipamSubnetCache.set(ipam, out);
    return out;
  }

  /** The network's flat-subnet IPAM links (`_ipam_ip_alloc_req`). */
  private flatRefs(vn: StoredObject): StoredRef[] {
    return (vn.refs.get('network-ipam') ?? []).filter((ref) => {
      const first = records(record(ref.attr)?.ipam_subnets)[0];
      if (first) return typeof record(first.subnet)?.ip_prefix !== 'string';
      // contrail-api writes a `subnet_uuid`-only entry on each flat link at network create; a
      // link without it still counts when the IPAM is flat (see docs/config-api.md).
      return this.view.get(ref.uuid)?.props.ipam_subnet_method === 'flat-subnet';
    });
  }

  private flatSubnets(vn: StoredObject): Subnet[] {
    return this.flatRefs(vn).flatMap((ref) => this.ipamSubnets(ref.uuid));
  }

  // ---- allocation ----------------------------------------------------------------------------

  private isUsed(subnet: Subnet, address: number): boolean {
    return isExcluded(subnet, address) || (this.used.get(subnet.key)?.has(address) ?? false);
  }

  /** IndexAllocator.alloc: the lowest free bit, at most `max_alloc`, mapped to its address. */
  private allocate(subnet: Subnet): number | undefined {
    const shape = `${subnet.fromStart}|${subnet.pools.join(';')}|${subnet.gateway}|${subnet.dns}`;
    let hint = this.hints.get(subnet.key);
    if (!hint || hint.shape !== shape) this.hints.set(subnet.key, (hint = { shape, bit: 0 }));
    for (let bit = hint.bit; bit <= MAX_SUBNET_ADDR_ALLOC; bit++) {
      const address = bitToAddress(subnet, bit);
      if (address === undefined) break;
      // The address becomes used when the object is stored; until then the hint stays on it.
      hint.bit = bit;
      if (!this.isUsed(subnet, address)) return address;
    }
    return undefined;
  }

  /**
   * One pass of `_net_ip_alloc_req` / `_ipam_ip_alloc`: the asked address when it is the gateway
   * or service address or lies in a subnet, else the next free one.
   */
  private allocFrom(
    subnets: readonly Subnet[],
    asked: Asked,
    tried: string[],
  ): { address: number; subnet: Subnet } | undefined {
    for (const subnet of subnets) {
      if (subnet.subnetting) continue;
      if (asked !== undefined && (asked === subnet.gateway || asked === subnet.dns))
        return { address: asked, subnet };
      if (asked !== undefined && !contains(subnet, asked)) continue;
      tried.push(subnet.name);
      if (asked !== undefined) return { address: asked, subnet };
      const address = this.allocate(subnet);
      if (address !== undefined) return { address, subnet };
    }
    return undefined;
  }

  /** `_net_ip_alloc_req`: the user-defined subnets of the network. */
  private netAlloc(vn: StoredObject, sub: string | undefined, asked: Asked): Attempt {
    const subnets = this.userSubnets(vn);
    if (subnets.length === 0)
      return { failure: 'absent', message: `Virtual-Network(${fqText(vn.fqName)}) has no defined subnets` };
    const candidates = sub === undefined ? subnets : subnets.filter((s) => s.subnetUuid === sub);
    const tried: string[] = [];
    const got = this.allocFrom(candidates, asked, tried);
    if (got) return { ...got, subnetUuid: got.subnet.subnetUuid };
    if (sub !== undefined && candidates.length === 0)
      return {
        failure: 'invalid',
        message: `Virtual-Network(${fqText(vn.fqName)}) has invalid subnet(${sub})`,
      };
    return exhausted(vn, tried);
  }

  /** `_ipam_ip_alloc_req`: the subnets of the network's flat-subnet IPAMs. */
  private ipamAlloc(vn: StoredObject, sub: string | undefined, asked: Asked): Attempt {
    const tried: string[] = [];
    let matched = false;
    for (const ref of this.flatRefs(vn)) {
      const linkUuids = records(record(ref.attr)?.ipam_subnets).flatMap((s) =>
        typeof s.subnet_uuid === 'string' ? [s.subnet_uuid] : [],
      );
      const subnets = this.ipamSubnets(ref.uuid);
      if (sub !== undefined) {
        // The link's flat subnet uuid, or (our extension) the IPAM subnet's own subnet_uuid.
        if (!linkUuids.includes(sub) && !subnets.some((s) => s.subnetUuid === sub)) continue;
        matched = true;
      }
      const got = this.allocFrom(subnets, asked, tried);
      if (got) return { ...got, subnetUuid: sub ?? linkUuids[0] ?? got.subnet.subnetUuid };
    }
    if (sub !== undefined && !matched)
      return {
        failure: 'invalid',
        message: `Virtual-Network(${fqText(vn.fqName)}) has invalid subnet(${sub})`,
      };
    return exhausted(vn, tried);
  }

  /** `ip_alloc_req` for a network: the address_allocation_mode decides which subnets and in what order. */
  private networkAlloc(vn: StoredObject, sub: string | undefined, asked: Asked): Attempt {
    // With a subnet or an address asked for: the flat IPAMs first, then the user-defined subnets.
    if (sub !== undefined || asked !== undefined) {
      const flat = this.ipamAlloc(vn, sub, asked);
      return 'failure' in flat ? this.netAlloc(vn, sub, asked) : flat;
    }
    const mode = vn.props.address_allocation_mode ?? 'user-defined-subnet-preferred';
    if (mode === 'flat-subnet-only') return this.ipamAlloc(vn, sub, asked);
    if (mode === 'user-defined-subnet-only') return this.netAlloc(vn, sub, asked);
    const [first, second] =
      mode === 'flat-subnet-preferred' ? [this.ipamAlloc, this.netAlloc] : [this.netAlloc, this.ipamAlloc];
    const got = first.call(this, vn, sub, asked);
    return 'failure' in got ? second.call(this, vn, sub, asked) : got;
  }

  /** `is_ip_allocated`: the IPAM subnets of the network first, then its user-defined ones. */
  private isAllocated(vn: StoredObject, address: number): boolean {
    for (const ref of vn.refs.get('network-ipam') ?? []) {
      const subnet = this.ipamSubnets(ref.uuid).find((s) => contains(s, address));
      if (subnet) return this.isUsed(subnet, address);
    }
    const subnet = this.userSubnets(vn).find((s) => contains(s, address));
    return subnet ? this.isUsed(subnet, address) : false;
  }

  private isGateway(vn: StoredObject, address: number): boolean {
    for (const ref of vn.refs.get('network-ipam') ?? [])
      if (this.ipamSubnets(ref.uuid).some((s) => s.gateway === address)) return true;
    return this.userSubnets(vn).some((s) => s.gateway === address);
  }

  /**
   * The address of a new instance-ip (instance_ip.py `pre_dbe_create`): the asked one if it is
   * free in the network (409 when taken, 400 when no subnet holds it), else the next free one
   * from `subnet_uuid` or the network's subnets in allocation order. Undefined when the object
   * names neither a network nor an IPAM and asks for a given address (stored as given).
   */
  assignInstanceIp(
    refs: ReadonlyMap<ObjectType, readonly StoredRef[]>,
    props: Readonly<Record<string, unknown>>,
  ): InstanceIpAssignment | undefined {
    const vnRefs = refs.get('virtual-network') ?? [];
    const ipamRefs = refs.get('network-ipam') ?? [];
    const vrRefs = refs.get('virtual-router') ?? [];
    if (vrRefs.length > 0 && ipamRefs.length > 0)
      throw new Invalid('virtual_router_refs and ipam_refs are not allowed');
    if (vrRefs.length > 0 && vnRefs.length > 0)
      throw new Invalid('router_refs and network_refs are not allowed');
    const askedText = typeof props.instance_ip_address === 'string' ? props.instance_ip_address : undefined;
    const sub = typeof props.subnet_uuid === 'string' ? props.subnet_uuid : undefined;
    const asked = askedText === undefined ? undefined : tryParseIpv4(askedText);
    // IPv6 addresses are stored as given: the simulation allocates IPv4 only.
    if (askedText !== undefined && asked === undefined) return undefined;
    const vn = vnRefs[0] ? this.view.get(vnRefs[0].uuid) : undefined;
    if (!vn) {
      if (ipamRefs.length === 0) {
        if (asked !== undefined) return undefined;
        throw new Invalid(
          'Bad Request, instance-ip needs virtual_network_refs or network_ipam_refs to allocate an address',
        );
      }
      if (asked !== undefined)
        throw new Invalid('allocation for requested IP from a network_ipam is not supported');
      const tried: string[] = [];
      const got = this.allocFrom(this.ipamSubnets(ipamRefs[0]!.uuid), undefined, tried);
      if (!got)
        throw new Invalid(`Network-Ipam(${ipamRefs[0]!.uuid}) has exhausted subnet(${pyRepr(tried)})`);
      return { address: formatIp(got.address), subnetUuid: null };
    }
    // Our extension: an address given for a network without any subnet is stored as given
    // (contrail-api: 400 "has no defined subnets"), for callers that manage their own addresses.
    if (asked !== undefined && this.userSubnets(vn).length === 0 && this.flatSubnets(vn).length === 0)
      return undefined;
    if (asked !== undefined && this.isAllocated(vn, asked)) {
      if (!this.isGateway(vn, asked)) throw new Conflict('IP address already in use');
      if (this.vmiHasVmRef(refs)) throw new Invalid('Gateway IP cannot be used by VM port');
    }
    const got = this.networkAlloc(vn, sub, asked);
    // instance_ip.py turns every AddrMgmt error into a 400 with its text.
    if ('failure' in got) throw new Invalid(got.message);
    return { address: formatIp(got.address), subnetUuid: got.subnetUuid };
  }

  /** `_vmi_has_vm_ref`: an instance-ip of a VM's port may not hold the gateway address. */
  private vmiHasVmRef(refs: ReadonlyMap<ObjectType, readonly StoredRef[]>): boolean {
    return (refs.get('virtual-machine-interface') ?? []).some(
      (ref) => (this.view.get(ref.uuid)?.refs.get('virtual-machine')?.length ?? 0) > 0,
    );
  }

  /** `alloc_vn_id`: the lowest free virtual-network id from 1 (zkclient IndexAllocator). */
  nextNetworkId(): number {
    while (this.networkIds.has(this.networkIdHint)) this.networkIdHint++;
    if (this.networkIdHint >= VN_MAX_ID + VNID_MIN_ALLOC)
      throw new Invalid('virtual-network ids are exhausted');
    return this.networkIdHint;
  }
}

function exhausted(vn: StoredObject, tried: readonly string[]): Attempt {
  return {
    failure: 'exhausted',
    message: `Virtual-Network(${fqText(vn.fqName)}) has exhausted subnet(${pyRepr(tried)})`,
  };
}
