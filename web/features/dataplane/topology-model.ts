// A VIP across the cluster as a graph a person can read at any size: VIP:port → each compute that
// has the VIP (its route and composite, summed up) → for the computes opened, the composite's slots
// (local pods, holes, tunnels) → the compute each tunnel leads to and what it reaches there (a pod,
// or its local-ECMP composite and pods). Grouped by compute, laid out by hand in columns; a compute
// with many slots shows the first ones and one aggregate node for the rest, and computes start
// opened only while the whole graph stays small. Pure: positions included, no React Flow.

import type { ComputeTopology, VipTopology } from '@model/api/dataplane-views.ts';
import { resolveSlot, type CompositeSlot } from './composite-slots.ts';

/** Up to this many slots in all, every compute starts opened; beyond, each opens on demand. */
export const OPEN_ALL_SLOTS = 40;
/** Slot nodes drawn per opened compute; the rest are one aggregate node (the table lists them). */
export const SLOT_NODES_MAX = 24;

const VIP_WIDTH_PX = 200;
const COMPUTE_WIDTH_PX = 250;
const SLOT_WIDTH_PX = 270;
const TARGET_WIDTH_PX = 280;
const COLUMN_GAP_PX = 60;
const NODE_HEIGHT_PX = 58;
const SLOT_HEIGHT_PX = 46;
const ROW_GAP_PX = 10;

export interface ComputeSummary {
  node: string;
  ip: string;
  reachable: boolean;
  error: string | null;
  /** The composite (or single next hop) the VIP route points at; null without a route. */
  nhId: number | null;
  nhType: string | null;
  slots: number;
  holes: number;
  localSlots: number;
  tunnels: number;
  flows: number;
  /** This compute's share of the flows to the VIP on every compute. */
  share: number;
}

export function summarize(compute: ComputeTopology, allFlows: number): ComputeSummary {
  const slots = compute.composite?.slots ?? [];
  return {
    node: compute.node,
    ip: compute.ip,
    reachable: compute.reachable,
    error: compute.error,
    nhId: compute.route?.nhId ?? null,
    nhType: compute.route?.nhType ?? null,
    slots: slots.length,
    holes: slots.filter((s) => s.kind === 'hole').length,
    localSlots: slots.filter((s) => s.kind === 'interface').length,
    tunnels: slots.filter((s) => s.kind === 'tunnel').length,
    flows: compute.flows,
    share: allFlows === 0 ? 0 : compute.flows / allFlows,
  };
}

export function totalFlows(topology: VipTopology): number {
  return topology.computes.reduce((n, c) => n + c.flows, 0);
}

export function totalSlots(topology: VipTopology): number {
  return topology.computes.reduce((n, c) => n + (c.composite?.slots.length ?? 0), 0);
}

/** The computes opened when the URL says nothing: all of them while the graph stays small. */
export function defaultOpen(topology: VipTopology): Set<string> {
  return totalSlots(topology) <= OPEN_ALL_SLOTS
    ? new Set(topology.computes.filter((c) => c.composite).map((c) => c.node))
    : new Set();
}

export const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

/** One line about a compute: its route, composite and flows. */
export function computeLine(s: ComputeSummary): string {
  if (!s.reachable) return `unreachable: ${s.error ?? 'no answer'}`;
  if (s.nhId === null) return 'no route for the VIP';
  if (s.nhType !== 'composite') return `route → ${s.nhType} NH ${s.nhId} (a single member)`;
  return `NH ${s.nhId} · ${s.slots} slots: ${s.localSlots} local, ${s.tunnels} tunnels${s.holes ? `, ${s.holes} holes` : ''}`;
}

export type TopologyNodeKind = 'vip' | 'compute' | 'unreachable' | 'slot' | 'hole' | 'more' | 'target';

export interface TopologyNodeSpec {
  id: string;
  kind: TopologyNodeKind;
  lines: string[];
  label: string;
  x: number;
  y: number;
  width: number;
  height: number;
  /** A compute node: its name, and whether it is opened (click toggles). */
  compute?: { node: string; isOpen: boolean; canOpen: boolean };
  /** A slot node: the slot, for its links. */
  slot?: CompositeSlot;
  /** Edges end on a node's left; only nodes with edges out need the right-hand handle. */
  hasOut: boolean;
}

export interface TopologyEdgeSpec {
  id: string;
  source: string;
  target: string;
  isHole: boolean;
}

export interface TopologyGraph {
  nodes: TopologyNodeSpec[];
  edges: TopologyEdgeSpec[];
  widthPx: number;
  heightPx: number;
}

const COLUMN_X = [
  0,
  VIP_WIDTH_PX + COLUMN_GAP_PX,
  VIP_WIDTH_PX + COMPUTE_WIDTH_PX + 2 * COLUMN_GAP_PX,
  VIP_WIDTH_PX + COMPUTE_WIDTH_PX + SLOT_WIDTH_PX + 3 * COLUMN_GAP_PX,
] as const;

function slotLines(slot: CompositeSlot): string[] {
  const share = slot.share === null ? '' : ` · ${percent(slot.share)}`;
  if (slot.kind === 'interface')
    return [`slot ${slot.slot} · label ${slot.label}${share}`, `→ ${slot.pod ?? slot.itf}`];
  return [
    `slot ${slot.slot} · label ${slot.label} · tunnel${share}`,
    `→ ${slot.remote?.node ?? slot.remote?.ip ?? '?'}${slot.localEcmp ? ' (local ECMP)' : slot.pod ? `: ${slot.pod}` : ''}`,
  ];
}

/** What a tunnel reaches on a compute: its local-ECMP composite and pods, or the member pod. */
function targetLines(compute: ComputeTopology | undefined, node: string, slot: CompositeSlot): string[] {
  if (slot.localEcmp) {
    const local = compute?.localComposite;
    const pods = slot.localPods;
    return [
      `${node} · local ECMP${local ? ` NH ${local.nhId}` : ''} (label ${slot.label})`,
      pods.length ? `${pods.length} pods: ${pods.map((p) => p.split('/').pop()).join(', ')}` : 'no pods',
    ];
  }
  return [`${node} · label ${slot.label}`, slot.pod ? `pod ${slot.pod}` : 'member not named'];
}

export function topologyGraph(topology: VipTopology, open: ReadonlySet<string>): TopologyGraph {
  const allFlows = totalFlows(topology);
  const nodes: TopologyNodeSpec[] = [];
  const edges: TopologyEdgeSpec[] = [];
  const byNode = new Map(topology.computes.map((c) => [c.node, c]));
  const targets = new Map<string, TopologyNodeSpec>();
  let y = 0;
  let targetY = 0;

  for (const compute of topology.computes) {
    const s = summarize(compute, allFlows);
    const id = `compute-${compute.node}`;
    const isOpen = open.has(compute.node) && compute.composite !== null;
    const slots = isOpen ? compute.composite!.slots.map((slot) => resolveSlot(topology, slot)) : [];
    const drawn = slots.slice(0, SLOT_NODES_MAX);
    const rest = slots.length - drawn.length;
    const band = Math.max(
      NODE_HEIGHT_PX,
      (drawn.length + (rest > 0 ? 1 : 0)) * (SLOT_HEIGHT_PX + ROW_GAP_PX) - ROW_GAP_PX,
    );
    const flows = `${compute.flows} flows (${percent(s.share)} of all)`;
    nodes.push({
      id,
      kind: compute.reachable ? 'compute' : 'unreachable',
      lines: [`${compute.node} · ${compute.ip}`, computeLine(s), compute.reachable ? flows : ''].filter(
        Boolean,
      ),
      label: `Compute ${compute.node}: ${computeLine(s)}${compute.reachable ? `, ${flows}` : ''}`,
      x: COLUMN_X[1],
      y,
      width: COMPUTE_WIDTH_PX,
      height: NODE_HEIGHT_PX,
      compute: { node: compute.node, isOpen, canOpen: compute.composite !== null },
      hasOut: drawn.length > 0 || rest > 0,
    });
    edges.push({ id: `vip-${id}`, source: 'vip', target: id, isHole: false });

    drawn.forEach((slot, i) => {
      const slotId = `${id}-slot-${slot.slot}`;
      const slotY = y + i * (SLOT_HEIGHT_PX + ROW_GAP_PX);
      const isHole = slot.kind === 'hole';
      nodes.push({
        id: slotId,
        kind: isHole ? 'hole' : 'slot',
        lines: isHole ? [`slot ${slot.slot}`, 'hole (-1)'] : slotLines(slot),
        label: isHole
          ? `${compute.node} slot ${slot.slot}: hole (-1)`
          : `${compute.node} slot ${slot.slot}: ${slotLines(slot).join(', ')}`,
        x: COLUMN_X[2],
        y: slotY,
        width: SLOT_WIDTH_PX,
        height: SLOT_HEIGHT_PX,
        slot,
        hasOut: slot.kind === 'tunnel',
      });
      edges.push({ id: `${id}-${slotId}`, source: id, target: slotId, isHole: isHole });
      if (slot.kind !== 'tunnel' || slot.remote === null) return;
      const remoteNode = slot.remote.node ?? slot.remote.ip;
      const targetId = `target-${remoteNode}-${slot.label}`;
      if (!targets.has(targetId)) {
        const lines = targetLines(byNode.get(remoteNode), remoteNode, slot);
        const target: TopologyNodeSpec = {
          id: targetId,
          kind: 'target',
          lines,
          label: lines.join(', '),
          x: COLUMN_X[3],
          y: Math.max(targetY, slotY),
          width: TARGET_WIDTH_PX,
          height: SLOT_HEIGHT_PX,
          hasOut: false,
        };
        targetY = target.y + SLOT_HEIGHT_PX + ROW_GAP_PX;
        targets.set(targetId, target);
      }
      edges.push({ id: `${slotId}-${targetId}`, source: slotId, target: targetId, isHole: false });
    });
    if (rest > 0) {
      const moreId = `${id}-more`;
      const restSlots = slots.slice(drawn.length);
      const restShare = restSlots.reduce((n, sl) => n + (sl.share ?? 0), 0);
      nodes.push({
        id: moreId,
        kind: 'more',
        lines: [`${rest} more slots`, `${percent(restShare)} of ${compute.node}'s flows · in the table`],
        label: `${compute.node}: ${rest} more slots, listed in the slot table`,
        x: COLUMN_X[2],
        y: y + drawn.length * (SLOT_HEIGHT_PX + ROW_GAP_PX),
        width: SLOT_WIDTH_PX,
        height: SLOT_HEIGHT_PX,
        hasOut: false,
      });
      edges.push({ id: `${id}-${moreId}`, source: id, target: moreId, isHole: false });
    }
    y += band + ROW_GAP_PX * 2;
  }

  const heightPx = Math.max(NODE_HEIGHT_PX, y - ROW_GAP_PX * 2, targetY - ROW_GAP_PX);
  const port = topology.port === null ? '' : `:${topology.port}`;
  const service = topology.lb?.displayName ?? '';
  nodes.unshift({
    id: 'vip',
    kind: 'vip',
    lines: [
      `VIP ${topology.vip}${port}`,
      service,
      topology.hashFields ? `hash: ${topology.hashFields.length} fields` : 'hash: the 5-tuple',
    ].filter(Boolean),
    label: `VIP ${topology.vip}${port}${service ? ` of ${service}` : ''}`,
    x: COLUMN_X[0],
    y: topology.computes.length <= 8 ? Math.max(0, (heightPx - NODE_HEIGHT_PX) / 2) : 0,
    width: VIP_WIDTH_PX,
    height: NODE_HEIGHT_PX,
    hasOut: topology.computes.length > 0,
  });
  nodes.push(...targets.values());
  const widthPx =
    targets.size > 0
      ? COLUMN_X[3] + TARGET_WIDTH_PX
      : nodes.some((n) => n.kind === 'slot' || n.kind === 'hole' || n.kind === 'more')
        ? COLUMN_X[2] + SLOT_WIDTH_PX
        : COLUMN_X[1] + COMPUTE_WIDTH_PX;
  return { nodes, edges, widthPx, heightPx };
}
