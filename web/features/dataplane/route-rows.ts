// A route as `rt --dump` prints it (Destination, PPL, Flags, Label, Nexthop): the active (first)
// path decides flags, label and next hop, as the agent programs the kernel.

import type { NhSandeshData, RouteUcSandeshData } from '@model/dataplane/types.ts';

export interface RouteRow {
  destination: string;
  prefixLength: number;
  /** `L` label valid, `P` proxy ARP (the flags `rt --dump` prints for these routes). */
  flags: string;
  /** MPLS label toward a remote compute, `-` when none. */
  label: string;
  nexthop: number | null;
  nexthopType: string;
  peer: string;
  isEcmp: boolean;
}

export function isCompositeNh(nh: Pick<NhSandeshData, 'type'>): boolean {
  return nh.type.startsWith('ECMP Composite');
}

/** A short kind for a next hop: `Encap`, `Tunnel`, `Composite`, `Drop`, `Receive`. */
export function nhKind(nh: Pick<NhSandeshData, 'type'>): string {
  if (isCompositeNh(nh)) return 'Composite';
  switch (nh.type) {
    case 'interface':
      return 'Encap';
    case 'tunnel':
      return 'Tunnel';
    case 'discard':
      return 'Drop';
    case 'receive':
      return 'Receive';
    default:
      return nh.type;
  }
}

export function routeRow(route: RouteUcSandeshData): RouteRow {
  const path = route.path_list[0];
  const label = path?.label ?? -1;
  return {
    destination: `${route.src_ip}/${route.src_plen}`,
    prefixLength: route.src_plen,
    flags: `${label >= 0 ? 'L' : ''}${route.proxy_arp === 'true' ? 'P' : ''}`,
    label: label >= 0 ? String(label) : '-',
    nexthop: path?.nh?.nh_index ?? null,
    nexthopType: path?.nh ? nhKind(path.nh) : '-',
    peer: path?.peer ?? '-',
    isEcmp: path?.path_preference_data.ecmp === 'true' || (path?.nh ? isCompositeNh(path.nh) : false),
  };
}

/** A route's key in its VRF's table. */
export function routeKey(route: RouteUcSandeshData): string {
  return `${route.src_ip}/${route.src_plen}`;
}
