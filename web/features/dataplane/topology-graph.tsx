// The VIP across the cluster drawn with React Flow (the layout is topology-model.ts's): VIP → each
// compute → the opened computes' slots → the compute each tunnel reaches. A click on a compute
// opens or closes it; the view fits the graph again whenever the member count or the opened
// computes change, never below a readable zoom (then it starts at the top; zoom and fit buttons
// reach the rest). The slot table beside it is the keyboard's and the screen reader's way in.
// Lazy-loaded: the default export.

import {
  Controls,
  Handle,
  Position,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  type Edge,
  type Node,
  type NodeProps,
} from '@xyflow/react';
// oxlint-disable-next-line import/no-unassigned-import
import '@xyflow/react/dist/style.css';
import { memo, useEffect, useMemo, useRef } from 'react';
import type { VipTopology } from '@model/api/dataplane-views.ts';
import { initialViewport } from './graph-viewport.ts';
import { topologyGraph, totalSlots, type TopologyNodeSpec } from './topology-model.ts';

const MAX_HEIGHT_PX = 640;

type TopoNode = Node<{ spec: TopologyNodeSpec }, 'topo'>;

/** Text lines and only the handles the node's edges use: the fewer DOM nodes, the bigger the graph. */
const TopologyNode = memo(function TopologyNode({ data }: NodeProps<TopoNode>) {
  const { spec } = data;
  return (
    <>
      {spec.kind !== 'vip' && <Handle type="target" position={Position.Left} isConnectable={false} />}
      {spec.lines.map((line, i) => (
        <span key={i} className={i === 0 ? 'dp-node-title' : 'dp-node-line'}>
          {line}
        </span>
      ))}
      {spec.hasOut && <Handle type="source" position={Position.Right} isConnectable={false} />}
    </>
  );
});

const NODE_TYPES = { topo: TopologyNode };

export interface TopologyGraphProps {
  topology: VipTopology;
  open: ReadonlySet<string>;
  onToggle: (node: string) => void;
}

function Graph({ topology, open, onToggle }: TopologyGraphProps) {
  const graph = useMemo(() => topologyGraph(topology, open), [topology, open]);
  const nodes = useMemo(
    () =>
      graph.nodes.map((spec): TopoNode => ({
        id: spec.id,
        type: 'topo',
        position: { x: spec.x, y: spec.y },
        width: spec.width,
        height: spec.height,
        className: `dp-node dp-node-${spec.kind}${spec.compute?.isOpen ? ' dp-node-open' : ''}${spec.compute?.canOpen ? ' dp-node-toggle' : ''}`,
        ariaLabel: spec.label,
        ariaRole: 'group',
        draggable: false,
        connectable: false,
        selectable: false,
        data: { spec },
      })),
    [graph],
  );
  const edges = useMemo(
    () =>
      graph.edges.map((e): Edge => ({
        id: e.id,
        source: e.source,
        target: e.target,
        type: 'smoothstep',
        className: e.isHole ? 'dp-edge-hole' : undefined,
        focusable: false,
        interactionWidth: 0,
        ariaLabel: `${e.source} to ${e.target}`,
      })),
    [graph],
  );
  const boxRef = useRef<HTMLDivElement>(null);
  const { setViewport } = useReactFlow();
  const heightPx = Math.min(MAX_HEIGHT_PX, Math.max(240, graph.heightPx + 24));
  const members = totalSlots(topology);
  const openKey = [...open].sort().join(',');

  // Fit whenever the member count or the opened computes change, not on every refresh.
  useEffect(() => {
    const box = boxRef.current;
    if (!box) return;
    const frame = requestAnimationFrame(() => {
      void setViewport(
        initialViewport(
          { widthPx: graph.widthPx, heightPx: graph.heightPx },
          { widthPx: box.clientWidth || 900, heightPx },
        ),
      );
      // Said on the figure, so a test or a benchmark can wait for the fit of a given graph.
      box.dataset.fittedFor = `${members} slots; open ${openKey}`;
    });
    return () => cancelAnimationFrame(frame);
    // A refresh with the same shape keeps the view the user moved to.
  }, [members, openKey, graph.widthPx, graph.heightPx, heightPx, setViewport]);

  return (
    <div
      ref={boxRef}
      className="dp-graph dp-topology-graph"
      role="figure"
      aria-label={`ECMP topology of ${topology.vip}${topology.port === null ? '' : `:${topology.port}`}`}
      style={{ height: heightPx }}
    >
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
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
        onNodeClick={(_, node) => {
          const compute = (node as TopoNode).data.spec.compute;
          if (compute?.canOpen) onToggle(compute.node);
        }}
      >
        <Controls showInteractive={false} aria-label="Zoom" />
      </ReactFlow>
    </div>
  );
}

export default function TopologyGraph(props: TopologyGraphProps) {
  return (
    <ReactFlowProvider>
      <Graph {...props} />
    </ReactFlowProvider>
  );
}
