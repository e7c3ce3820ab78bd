// The VIP across the cluster drawn with React Flow (the layout is topology-model.ts's): VIP → each
// compute → the opened computes' slots → the compute each tunnel reaches. A click on a compute
// opens or closes it; the view fits the graph again whenever the member count or the opened
// computes change, never below a readable zoom (then it starts at the top; zoom and fit buttons
// reach the rest). The slot table beside it is the keyboard's and the screen reader's way in.
// Lazy-loaded: the default export.

import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { memo, useMemo } from 'react';
import type { VipTopology } from '@model/api/dataplane-views.ts';
import { GraphFigure, graphEdge } from './graph-figure.tsx';
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

export default function TopologyGraph({ topology, open, onToggle }: TopologyGraphProps) {
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
  const edges = useMemo(() => graph.edges.map(graphEdge), [graph]);
  const members = totalSlots(topology);
  const openKey = [...open].sort().join(',');
  return (
    <GraphFigure
      label={`ECMP topology of ${topology.vip}${topology.port === null ? '' : `:${topology.port}`}`}
      className="dp-graph dp-topology-graph"
      nodes={nodes}
      edges={edges}
      nodeTypes={NODE_TYPES}
      onNodeClick={(_, node) => {
        const compute = node.data.spec.compute;
        if (compute?.canOpen) onToggle(compute.node);
      }}
      graph={graph}
      heightPx={Math.min(MAX_HEIGHT_PX, Math.max(240, graph.heightPx + 24))}
      fallbackWidthPx={900}
      // The member count or the opened computes call for a new fit, not every refresh.
      fitFor={`${members} slots; open ${openKey}`}
    />
  );
}
