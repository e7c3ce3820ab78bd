// The records of the vRouter model: where a pod interface is placed, what a floating IP asks
// for, and the interfaces, VRFs, routes and next hops one compute holds. Types only.

import type { EcmpHashing } from './ecmp-group.ts';

/** A pod VMI as placed on a compute node (derived from VM, VMI, instance-ip and virtual-router). */
export interface PodPlacement {
  readonly vmiUuid: string;
  readonly vmUuid: string;
  /** `<namespace>/<pod>` when known from the VMI annotations or the VM name. */
  readonly podKey: string | null;
  readonly vmName: string;
  readonly node: string;
  readonly ip: number;
  readonly ipText: string;
  readonly mac: string;
  /** The VN's fq_name joined with ':'. */
  readonly vnName: string;
  readonly vrfName: string;
  /** Unique per placement: a recreated interface gets a new one (flows check it). */
  readonly memberId: number;
}

export interface PortMapping {
  readonly protocol: string;
  readonly srcPort: number;
  readonly dstPort: number;
}

/** A floating IP as the agent applies it: the ECMP VIP of a Service or its external IP. */
export interface FipConfig {
  readonly uuid: string;
  readonly ip: number;
  readonly ipText: string;
  readonly vnName: string;
  readonly vrfName: string;
  /** Parent is an instance-ip (the ClusterIP VIP): its route leaks into the pod VRFs. */
  readonly isClusterVip: boolean;
  readonly direction: string;
  readonly portMapEnabled: boolean;
  readonly portMaps: readonly PortMapping[];
  /** (protocol number << 16 | service port) → target port. */
  readonly portMapIndex: ReadonlyMap<number, number>;
  /** Pod VMI uuids in reference order (members may not be placed yet). */
  readonly memberVmis: readonly string[];
  readonly hashing: EcmpHashing;
}

export interface Vif {
  readonly index: number;
  /** `tap` + the first 11 characters of `eth0-<pod uuid>`. */
  readonly name: string;
  readonly placement: PodPlacement;
  readonly label: number;
  readonly vrfId: number;
  readonly nhId: number;
}

export interface Route {
  readonly prefix: number;
  readonly plen: number;
  readonly nhId: number;
  /** MPLS label carried by the route, −1 when the label flag is not set. */
  readonly label: number;
  /** Stitched MAC and its bridge-table index, for local interface routes. */
  readonly stitchedMac: { readonly mac: string; readonly index: number } | null;
  /** Agent peer of the active path: LocalVmPort, Ecmp, or the control node for learnt paths. */
  readonly peer: string;
  readonly kind: 'pod' | 'vip';
  /** The pod VMI (pod routes, single-member VIP routes). */
  readonly vmiUuid: string | null;
  readonly fipUuid: string | null;
}

export interface Vrf {
  readonly id: number;
  readonly name: string;
  readonly vnName: string;
  readonly routes: Map<number, Route>;
}

export type NextHop =
  | { readonly id: number; readonly type: 'drop' }
  | { readonly id: number; readonly type: 'receive'; readonly vifIndex: number }
  | {
      readonly id: number;
      readonly type: 'interface';
      readonly vmiUuid: string;
      readonly vifIndex: number;
      readonly vrfId: number;
      readonly mac: string;
    }
  | { readonly id: number; readonly type: 'tunnel'; readonly dip: number; readonly dipText: string }
  | { readonly id: number; readonly type: 'composite'; readonly vrfId: number; readonly fipUuid: string };

/** One resolved component of a composite: an interface or tunnel NH with its label, or a hole. */
export interface Component {
  readonly slot: number;
  readonly nhId: number;
  readonly label: number;
  readonly vmiUuid: string | null;
  readonly local: boolean;
}
