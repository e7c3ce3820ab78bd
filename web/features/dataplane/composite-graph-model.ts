// The composite graph's nodes and edges before layout: VIP → composite → one node per slot
// (label and component next hop) → the member it reaches (local vif + pod, or remote compute),
// linked to the pod's page and to its pool members. Pure, so the graph's content is testable
// without React Flow.

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
  kind: 'vip' | 'composite' | 'slot' | 'hole' | 'member';
  lines: string[];
  /** The accessible name of the node. */
  label: string;
  /** A member: its pod's page and each pool member it is (one per listener). */
  links?: { pod: GraphLink | null; members: GraphLink[] };
  /** The member the page was opened for ("Show in dataplane" from a member). */
  isPicked?: boolean;
}

/** Links of a slot's member: the pod (its virtual-machine) and its pool members by IP:port. */
export function slotLinks(
  slot: CompositeSlot,
  members: readonly MemberRow[],
): { pod: GraphLink | null; members: GraphLink[] } {
  const pod = slot.pod ?? 'unknown pod';
  return {
    pod: slot.vmUuid
      ? { to: objectUrl('virtual-machine', slot.vmUuid), text: pod, label: `Pod ${pod}` }
      : null,
    members: membersOfSlot(slot, members).map((m) => {
      const endpoint = `${m.podIp ?? m.address ?? '?'}:${m.targetPort ?? '?'}`;
      return { to: objectUrl('loadbalancer-member', m.uuid), text: endpoint, label: `Member ${endpoint}` };
    }),
  };
}

export interface GraphEdgeSpec {
  id: string;
  source: string;
  target: string;
  isHole: boolean;
}

export function compositeGraph(
  node: string,
  nhId: number,
  vips: readonly string[],
  slots: readonly CompositeSlot[],
  members: readonly MemberRow[] = [],
  pickedPod: string | null = null,
): { nodes: GraphNodeSpec[]; edges: GraphEdgeSpec[] } {
  const holes = slots.filter((s) => s.kind === 'hole').length;
  const nodes: GraphNodeSpec[] = [];
  const edges: GraphEdgeSpec[] = [];
  const vipText = vips.length ? vips.join(', ') : 'no route';
  nodes.push({ id: 'vip', kind: 'vip', lines: ['VIP', vipText], label: `VIP ${vipText}` });
  nodes.push({
    id: 'composite',
    kind: 'composite',
    lines: [
      `Composite NH ${nhId}`,
      `ECMP, ${slots.length} slots${holes ? `, ${holes} hole${holes > 1 ? 's' : ''}` : ''}`,
      node,
    ],
    label: `Composite next hop ${nhId} with ${slots.length} slots`,
  });
  edges.push({ id: 'vip-composite', source: 'vip', target: 'composite', isHole: false });

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
    const nhText = s.nexthopId === null ? '' : ` NH ${s.nexthopId}`;
    const via =
      s.kind === 'interface' ? `Encap${nhText} → vif0/${s.vif?.index ?? '?'}` : `Tunnel${nhText} MPLSoUDP`;
    nodes.push({
      id,
      kind: 'slot',
      lines: [`slot ${s.slot} · label ${s.label}`, via],
      label: `Slot ${s.slot}: label ${s.label}, ${via}`,
    });
    edges.push({ id: `composite-${id}`, source: 'composite', target: id, isHole: false });

    const memberId = `member-${s.slot}`;
    const pod = s.pod ?? 'unknown pod';
    const [namespace, podName] = pod.includes('/') ? pod.split('/', 2) : [null, pod];
    const where =
      s.kind === 'interface'
        ? `${s.vif?.name ?? ''} on ${node}`
        : `${s.remote?.node ?? 'compute'} ${s.remote?.ip ?? ''}`;
    nodes.push({
      id: memberId,
      kind: 'member',
      // The pod name alone on the first line: `<namespace>/` would push it past the node's width.
      lines: [podName ?? pod, [s.podIp, namespace].filter(Boolean).join(' · '), where.trim()],
      label: `Member of slot ${s.slot}: ${pod} ${s.podIp ?? ''} ${where}`.replace(/\s+/g, ' ').trim(),
      links: slotLinks(s, members),
      isPicked: pickedPod !== null && s.pod === pickedPod,
    });
    edges.push({ id: `${id}-${memberId}`, source: id, target: memberId, isHole: false });
  }
  return { nodes, edges };
}
