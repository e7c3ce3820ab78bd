// The composite graph's nodes and edges before layout: the VIP's composite next hop → one node per
// slot, each saying its label, its component next hop and the member it reaches (a local pod, a
// pod behind a tunnel, or a compute's local-ECMP composite), linked to the pod's VMI and to its
// pool members. Pure, so the graph's content is testable without React Flow.

import type { MemberRow } from '@model/explorer.ts';
import { objectUrl } from '@web/components/object-url.ts';
import type { CompositeSlot } from './composite-slots.ts';
import { membersOfSlot } from './vip-members.ts';

export interface GraphLink {
  to: string;
  text: string;
  /** The accessible name, when the text alone is ambiguous. */
  label: string;
}

export interface GraphNodeSpec {
  id: string;
  kind: 'composite' | 'slot' | 'hole';
  lines: string[];
  /** The accessible name of the node. */
  label: string;
  /** A slot's member: its pod's page and each pool member it is (one per listener). */
  links?: { pod: GraphLink | null; members: GraphLink[] };
  /** The member the page was opened for ("Show in dataplane" from a member). */
  isPicked?: boolean;
}

export interface GraphEdgeSpec {
  id: string;
  source: string;
  target: string;
  isHole: boolean;
}

/** `45.0%` of the compute's flows to the VIP, or '' when unknown. */
export function shareText(slot: Pick<CompositeSlot, 'flows' | 'share'>): string {
  if (slot.flows === null || slot.share === null) return '';
  return `${slot.flows} flows (${(slot.share * 100).toFixed(1)}%)`;
}

/** Links of a slot's member: the pod (its VMI) and its pool members by IP:port. */
export function slotLinks(
  slot: CompositeSlot,
  members: readonly MemberRow[],
): { pod: GraphLink | null; members: GraphLink[] } {
  const pod = slot.pod ?? 'unknown pod';
  const pools = membersOfSlot(slot, members);
  return {
    pod: slot.vmiUuid
      ? { to: objectUrl('virtual-machine-interface', slot.vmiUuid), text: pod, label: `Pod ${pod}` }
      : null,
    members:
      pools.length > 0
        ? pools.map((m) => {
            const endpoint = `${m.podIp ?? m.address ?? '?'}:${m.targetPort ?? '?'}`;
            return {
              to: objectUrl('loadbalancer-member', m.uuid),
              text: endpoint,
              label: `Member ${endpoint}`,
            };
          })
        : slot.member
          ? [
              {
                to: objectUrl('loadbalancer-member', slot.member),
                text: 'pool member',
                label: `Member ${pod}`,
              },
            ]
          : [],
  };
}

/** Where a slot leads, in words: `Encap NH 11 → tapeth0-8v79p`, `Tunnel NH 12 → k8s-node2`. */
export function slotVia(slot: CompositeSlot): string {
  const nh = slot.nexthopId === null ? '' : ` NH ${slot.nexthopId}`;
  if (slot.kind === 'interface') return `Encap${nh} → ${slot.itf ?? '?'}`;
  if (slot.kind === 'tunnel') return `Tunnel${nh} → ${slot.remote?.node ?? slot.remote?.ip ?? '?'}`;
  return '';
}

/** What a slot reaches: its pod, or a compute's local-ECMP composite and its pods. */
export function slotTarget(slot: CompositeSlot): string {
  if (slot.localEcmp)
    return `local ECMP on ${slot.remote?.node ?? slot.remote?.ip ?? '?'}: ${slot.localPods.length} pods`;
  return slot.pod ?? 'unknown pod';
}

export interface CompositeGraphInput {
  node: string;
  nhId: number;
  vips: readonly string[];
  service: string | null;
  slots: readonly CompositeSlot[];
  members?: readonly MemberRow[];
  pickedPod?: string | null;
}

export function compositeGraph({
  node,
  nhId,
  vips,
  service,
  slots,
  members = [],
  pickedPod = null,
}: CompositeGraphInput): { nodes: GraphNodeSpec[]; edges: GraphEdgeSpec[] } {
  const holes = slots.filter((s) => s.kind === 'hole').length;
  const vipText = vips.length ? vips.join(', ') : 'no route';
  const nodes: GraphNodeSpec[] = [
    {
      id: 'composite',
      kind: 'composite',
      lines: [
        `VIP ${vipText}`,
        `Composite NH ${nhId} · ${slots.length} slots${holes ? `, ${holes} hole${holes > 1 ? 's' : ''}` : ''}`,
        service ?? node,
      ],
      label: `Composite next hop ${nhId} with ${slots.length} slots, VIP ${vipText}`,
    },
  ];
  const edges: GraphEdgeSpec[] = [];
  for (const s of slots) {
    const id = `slot-${s.slot}`;
    if (s.kind === 'hole') {
      nodes.push({
        id,
        kind: 'hole',
        lines: [`slot ${s.slot}`, '-1 (hole)'],
        label: `Slot ${s.slot}: hole (-1)`,
      });
      edges.push({ id: `composite-${id}`, source: 'composite', target: id, isHole: true });
      continue;
    }
    const via = slotVia(s);
    const target = slotTarget(s);
    const share = shareText(s);
    nodes.push({
      id,
      kind: 'slot',
      lines: [
        `slot ${s.slot} · label ${s.label} · ${via}`,
        target,
        [s.node, share].filter(Boolean).join(' · '),
      ],
      label: `Slot ${s.slot}: label ${s.label}, ${via}, ${target}${s.node ? ` on ${s.node}` : ''}${share ? `, ${share}` : ''}`,
      links: slotLinks(s, members),
      isPicked: pickedPod !== null && s.pod === pickedPod,
    });
    edges.push({ id: `composite-${id}`, source: 'composite', target: id, isHole: false });
  }
  return { nodes, edges };
}
