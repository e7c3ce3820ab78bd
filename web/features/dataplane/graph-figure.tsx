// The frame both dataplane graphs are drawn in: a read-only React Flow in a box of its own height
// (React Flow fills its parent and has none), zoom buttons, and the view fitted (graph-viewport.ts)
// on first paint and whenever `fitFor` changes — the graph's shape, not each refresh, so a view the
// user moved stays. Lazy-loaded with the graphs.

import {
  Controls,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  type Edge,
  type Node,
  type NodeMouseHandler,
  type NodeTypes,
} from '@xyflow/react';
// React Flow's stylesheet ships with this lazy chunk (a separate CSS file, so CSP style-src 'self' holds).
// oxlint-disable-next-line import/no-unassigned-import
import '@xyflow/react/dist/style.css';
import { useEffect, useRef, type ReactNode } from 'react';
import { initialViewport } from './graph-viewport.ts';

export interface GraphFigureProps<N extends Node> {
  label: string;
  className: string;
  nodes: N[];
  edges: Edge[];
  nodeTypes?: NodeTypes;
  onNodeClick?: NodeMouseHandler<N>;
  /** The laid-out graph's size. */
  graph: { widthPx: number; heightPx: number };
  heightPx: number;
  /** The box's width until it is measured. */
  fallbackWidthPx: number;
  /** What calls for a new fit; said on the figure (`data-fitted-for`) once fitted. */
  fitFor: string;
  children?: ReactNode;
}

/** An edge as both graphs draw it: a smooth step, dashed into a hole, never focused or hit. */
export function graphEdge(e: { id: string; source: string; target: string; isHole: boolean }): Edge {
  return {
    id: e.id,
    source: e.source,
    target: e.target,
    type: 'smoothstep',
    className: e.isHole ? 'dp-edge-hole' : undefined,
    focusable: false,
    interactionWidth: 0,
    ariaLabel: `${e.source} to ${e.target}`,
  };
}

function Figure<N extends Node>(p: GraphFigureProps<N>) {
  const boxRef = useRef<HTMLDivElement>(null);
  const { setViewport } = useReactFlow();
  const { widthPx, heightPx: graphHeightPx } = p.graph;
  useEffect(() => {
    const box = boxRef.current;
    if (!box) return;
    const frame = requestAnimationFrame(() => {
      void setViewport(
        initialViewport(
          { widthPx, heightPx: graphHeightPx },
          { widthPx: box.clientWidth || p.fallbackWidthPx, heightPx: p.heightPx },
        ),
      );
      // Said on the figure, so a test or a benchmark can wait for the fit of a given graph.
      box.dataset.fittedFor = p.fitFor;
    });
    return () => cancelAnimationFrame(frame);
  }, [p.fitFor, widthPx, graphHeightPx, p.heightPx, p.fallbackWidthPx, setViewport]);

  return (
    <div
      ref={boxRef}
      className={p.className}
      role="figure"
      aria-label={p.label}
      style={{ height: p.heightPx }}
    >
      <ReactFlow
        nodes={p.nodes}
        edges={p.edges}
        {...(p.nodeTypes ? { nodeTypes: p.nodeTypes } : {})}
        {...(p.onNodeClick ? { onNodeClick: p.onNodeClick } : {})}
        nodesDraggable={false}
        nodesConnectable={false}
        nodesFocusable={false}
        edgesFocusable={false}
        elementsSelectable={false}
        zoomOnScroll={false}
        preventScrolling={false}
        colorMode="system"
        minZoom={0.05}
        maxZoom={1.5}
      >
        <Controls showInteractive={false} aria-label="Zoom" />
        {p.children}
      </ReactFlow>
    </div>
  );
}

export function GraphFigure<N extends Node>(props: GraphFigureProps<N>) {
  return (
    <ReactFlowProvider>
      <Figure {...props} />
    </ReactFlowProvider>
  );
}
