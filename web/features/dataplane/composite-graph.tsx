// The ECMP composite drawn with React Flow, laid out top to bottom by dagre before the first
// render (fixed node sizes, so nothing waits on measuring); member nodes link to their pod and
// pool members. Lazy-loaded: the default export. The slot table beside it says the same in text.

import { graphlib, layout as layoutGraph } from '@dagrejs/dagre';
import { Position, ReactFlow, type Edge, type Node } from '@xyflow/react';
// React Flow's stylesheet ships with this lazy chunk (a separate CSS file, so CSP style-src 'self' holds).
// oxlint-disable-next-line import/no-unassigned-import
import '@xyflow/react/dist/style.css';
import { useMemo, type ReactNode } from 'react';
import { Link } from 'react-router';
import type { MemberRow } from '@model/explorer.ts';
import { compositeGraph, type GraphEdgeSpec, type GraphNodeSpec } from './composite-graph-model.ts';
import type { CompositeSlot } from './composite-slots.ts';

const NODE_WIDTH_PX = 220;
const NODE_HEIGHT_PX = 66;
const RANK_GAP_PX = 44;
const SLOT_GAP_PX = 18;

/** Top to bottom: VIP, composite, the slots side by side in slot order, each member below its slot. */
function layout(
  specs: GraphNodeSpec[],
  edgeSpecs: GraphEdgeSpec[],
): { nodes: Node[]; edges: Edge[]; heightPx: number } {
  const g = new graphlib.Graph();
  g.setGraph({ rankdir: 'TB', ranksep: RANK_GAP_PX, nodesep: SLOT_GAP_PX, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of specs) g.setNode(n.id, { width: NODE_WIDTH_PX, height: NODE_HEIGHT_PX });
  for (const e of edgeSpecs) g.setEdge(e.source, e.target);
  layoutGraph(g);
  const centre = new Map(specs.map((n) => [n.id, { x: g.node(n.id).x, y: g.node(n.id).y }]));
  // dagre may order a rank's nodes freely; slots read left to right by index, members follow.
  const slotIds = specs.filter((n) => n.kind === 'slot' || n.kind === 'hole').map((n) => n.id);
  const xs = slotIds.map((id) => centre.get(id)!.x).sort((a, b) => a - b);
  slotIds.forEach((id, i) => {
    const c = centre.get(id)!;
    c.x = xs[i]!;
    const member = centre.get(id.replace('slot-', 'member-'));
    if (member) member.x = c.x;
  });
  let bottom = 0;
  const nodes = specs.map((spec): Node => {
    const { x, y } = centre.get(spec.id)!;
    bottom = Math.max(bottom, y + NODE_HEIGHT_PX / 2);
    return {
      id: spec.id,
      position: { x: x - NODE_WIDTH_PX / 2, y: y - NODE_HEIGHT_PX / 2 },
      width: NODE_WIDTH_PX,
      height: NODE_HEIGHT_PX,
      sourcePosition: Position.Bottom,
      targetPosition: Position.Top,
      className: `dp-node dp-node-${spec.kind}${spec.isPicked ? ' dp-node-picked' : ''}`,
      ariaLabel: spec.label,
      draggable: false,
      connectable: false,
      data: { label: nodeContent(spec) },
    };
  });
  const edges = edgeSpecs.map((e): Edge => ({
    id: e.id,
    source: e.source,
    target: e.target,
    type: 'smoothstep',
    className: e.isHole ? 'dp-edge-hole' : undefined,
    ariaLabel: e.isHole ? `${e.source} to ${e.target} (hole)` : `${e.source} to ${e.target}`,
    focusable: false,
  }));
  return { nodes, edges, heightPx: bottom + 24 };
}

/** A node's lines; a member's first line links to its pod, its pool members follow as links. */
function nodeContent(spec: GraphNodeSpec): ReactNode {
  const links = spec.links;
  return (
    <>
      {spec.lines.map((line, i) =>
        i === 0 && links?.pod ? (
          <Link key={i} to={links.pod.to} className="dp-node-title nodrag nopan" aria-label={links.pod.label}>
            {line}
          </Link>
        ) : (
          <span key={i} className={i === 0 ? 'dp-node-title' : 'dp-node-line'}>
            {line}
          </span>
        ),
      )}
      {links && links.members.length > 0 && (
        <span className="dp-node-line">
          member{' '}
          {links.members.map((m, i) => (
            <span key={m.to}>
              {i > 0 && ', '}
              <Link to={m.to} className="nodrag nopan" aria-label={m.label}>
                {m.text}
              </Link>
            </span>
          ))}
        </span>
      )}
    </>
  );
}

export interface CompositeGraphProps {
  node: string;
  nhId: number;
  vips: readonly string[];
  slots: readonly CompositeSlot[];
  members?: readonly MemberRow[];
  pickedPod?: string | null;
}

export default function CompositeGraph({
  node,
  nhId,
  vips,
  slots,
  members = [],
  pickedPod = null,
}: CompositeGraphProps) {
  // Callers rebuild slots on every refetch; lay out again only when the content changed.
  const key = JSON.stringify({ node, nhId, vips, slots, members, pickedPod });
  const { nodes, edges, heightPx } = useMemo(() => {
    const input = JSON.parse(key) as Required<CompositeGraphProps>;
    const graph = compositeGraph(
      input.node,
      input.nhId,
      input.vips,
      input.slots,
      input.members,
      input.pickedPod,
    );
    return layout(graph.nodes, graph.edges);
  }, [key]);
  return (
    // The container needs an explicit height: React Flow fills its parent and has none of its own.
    <div
      className="dp-graph"
      role="figure"
      aria-label={`Composite next hop ${nhId} graph`}
      style={{ height: Math.max(220, heightPx) }}
    >
      <ReactFlow
        nodes={nodes}
        edges={edges}
        fitView
        fitViewOptions={{ padding: 0.05, maxZoom: 1 }}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable={false}
        zoomOnScroll={false}
        preventScrolling={false}
        colorMode="system"
        minZoom={0.3}
      />
    </div>
  );
}
