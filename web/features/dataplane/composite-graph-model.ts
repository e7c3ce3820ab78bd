// The composite graph's nodes and edges before layout: VIP → composite → one node per slot
// (label and component next hop) → the member it reaches (local vif + pod, or remote compute).
// Pure, so the graph's content is testable without React Flow.

import type { CompositeSlot } from './composite-slots.ts';

export interface GraphNodeSpec {
  id: string;
  kind: 'vip' | 'composite' | 'slot' | 'hole' | 'member';
  lines: string[];
  /** The accessible name of the node. */
  label: string;
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
    });
    edges.push({ id: `${id}-${memberId}`, source: id, target: memberId, isHole: false });
  }
  return { nodes, edges };
}
