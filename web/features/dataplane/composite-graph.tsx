// The ECMP composite drawn with React Flow, left to right: the VIP's composite, then its slots in
// slot order, each with the member it reaches. Laid out by hand (fixed node sizes, nothing waits
// on measuring) so it reads the same at 1 and at 100 members: the view fits the graph when that
// keeps its text readable, else starts at the top at a readable zoom, with zoom and fit buttons and
// a minimap to move around; it fits again whenever the member count changes. Slot nodes link to
// their pod and pool members; the slot table beside it says the same in text (and is where the
// keyboard goes). Lazy-loaded: the default export.

import { MiniMap, Position, type Edge, type Node } from '@xyflow/react';
import { useMemo, type ReactNode } from 'react';
import { Link } from 'react-router';
import { compositeGraph, type CompositeGraphInput, type GraphNodeSpec } from './composite-graph-model.ts';
import { GraphFigure, graphEdge } from './graph-figure.tsx';

const COMPOSITE_WIDTH_PX = 220;
const SLOT_WIDTH_PX = 300;
const NODE_HEIGHT_PX = 62;
const COLUMN_GAP_PX = 56;
const ROW_GAP_PX = 12;
const MAX_HEIGHT_PX = 520;
/** Up to this many slots the composite sits level with their middle; beyond, beside the first. */
const CENTRED_SLOTS = 8;

interface Laid {
  nodes: Node[];
  edges: Edge[];
  widthPx: number;
  heightPx: number;
}

function layout(input: CompositeGraphInput): Laid {
  const graph = compositeGraph(input);
  const slotCount = graph.nodes.length - 1;
  const heightPx = Math.max(NODE_HEIGHT_PX, slotCount * (NODE_HEIGHT_PX + ROW_GAP_PX) - ROW_GAP_PX);
  const compositeY = slotCount <= CENTRED_SLOTS ? (heightPx - NODE_HEIGHT_PX) / 2 : 0;
  const nodes = graph.nodes.map((spec, i): Node => {
    const isComposite = spec.kind === 'composite';
    return {
      id: spec.id,
      position: isComposite
        ? { x: 0, y: compositeY }
        : { x: COMPOSITE_WIDTH_PX + COLUMN_GAP_PX, y: (i - 1) * (NODE_HEIGHT_PX + ROW_GAP_PX) },
      width: isComposite ? COMPOSITE_WIDTH_PX : SLOT_WIDTH_PX,
      height: NODE_HEIGHT_PX,
      sourcePosition: Position.Right,
      targetPosition: Position.Left,
      className: `dp-node dp-node-${spec.kind}${spec.isPicked ? ' dp-node-picked' : ''}`,
      ariaLabel: spec.label,
      // A group by name, though not a tab stop: the slot table is where the keyboard goes.
      ariaRole: 'group',
      draggable: false,
      connectable: false,
      focusable: false,
      data: { label: nodeContent(spec) },
    };
  });
  const edges = graph.edges.map(graphEdge);
  return { nodes, edges, widthPx: COMPOSITE_WIDTH_PX + COLUMN_GAP_PX + SLOT_WIDTH_PX, heightPx };
}

/**
 * A node's lines; a slot's target line links to its pod, its pool members follow as links. The
 * links are out of the tab order: the slot table carries the same ones for the keyboard.
 */
function nodeContent(spec: GraphNodeSpec): ReactNode {
  const links = spec.links;
  return (
    <>
      {spec.lines.map((line, i) =>
        i === 1 && links?.pod ? (
          <Link
            key={i}
            to={links.pod.to}
            className="dp-node-line dp-node-pod nodrag nopan"
            aria-label={links.pod.label}
            tabIndex={-1}
          >
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
              <Link to={m.to} className="nodrag nopan" aria-label={m.label} tabIndex={-1}>
                {m.text}
              </Link>
            </span>
          ))}
        </span>
      )}
    </>
  );
}

export type CompositeGraphProps = CompositeGraphInput;

export default function CompositeGraph(props: CompositeGraphProps) {
  // Callers rebuild slots on every refetch; lay out again only when the content changed.
  const key = JSON.stringify(props);
  const laid = useMemo(() => layout(JSON.parse(key) as CompositeGraphProps), [key]);
  const slotCount = props.slots.length;
  return (
    <GraphFigure
      label={`Composite next hop ${props.nhId} graph`}
      className="dp-graph"
      nodes={laid.nodes}
      edges={laid.edges}
      graph={laid}
      heightPx={Math.min(MAX_HEIGHT_PX, Math.max(220, laid.heightPx + 24))}
      fallbackWidthPx={640}
      // Only the member count (a scale up or down) calls for a new fit, not every refetch.
      fitFor={`${slotCount} slots`}
    >
      {slotCount > 6 && (
        <MiniMap pannable zoomable ariaLabel={`Overview of composite next hop ${props.nhId}`} />
      )}
    </GraphFigure>
  );
}
