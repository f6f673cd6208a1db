/**
 * The task graph drawn with React Flow and laid out by dagre: tasks as nodes, needs as edges,
 * branches side by side, a task's `when` on its node, failure handlers and finallies with their
 * own edge style, run states (SKIPPED greyed and dashed) when drawn for a run. Loaded lazily
 * (./lazy-canvas.tsx) so React Flow and dagre stay out of the main chunk.
 *
 * Keyboard: Tab reaches each node (its accessible name describes it); Enter or Space selects it;
 * Delete removes the selected task or connection when editable; the controls zoom and fit.
 */
import {
  Background,
  Controls,
  Handle,
  MarkerType,
  Position,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  type Edge,
  type Node,
  type NodeProps,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useEffect, useMemo, useState } from 'react';
import { duration } from '../components/format';
import { StatusBadge } from '../components/status-badge';
import { layoutGraph, NODE_HEIGHT, NODE_WIDTH } from './graph-layout';
import { describeNode, type GraphEdge, type GraphNode, type WorkflowGraph } from './graph-model';

export interface CanvasProps {
  graph: WorkflowGraph;
  /** The canvas's accessible name. */
  label: string;
  selected?: string | null;
  onSelect?(key: string | null): void;
  /** Editing: drag from a node's lower handle to another node's upper handle makes the second need the first. */
  editable?: boolean;
  onConnect?(source: string, target: string): void;
  onDeleteTask?(key: string): void;
  onDeleteEdge?(source: string, target: string): void;
  /** Changes whenever the caller wants the view fitted again (after adding a task, say). */
  fitKey?: string | number;
  now?: number;
}

type TaskNodeData = { node: GraphNode; now: number; editable: boolean };
type TaskNode = Node<TaskNodeData, 'task'>;

const ROLE_TEXT = { step: null, handler: 'on failure', finally: 'always' } as const;

function TaskNodeView({ data, selected }: NodeProps<TaskNode>) {
  const n = data.node;
  const state = n.run?.status.toLowerCase();
  return (
    <div
      className={`canvas-node canvas-node-${n.type} role-${n.role}${state ? ` state-${state}` : ''}${selected ? ' selected' : ''}`}
      style={{ width: NODE_WIDTH, minHeight: NODE_HEIGHT }}
    >
      <Handle type="target" position={Position.Top} isConnectable={data.editable} />
      <div className="canvas-node-head">
        <strong>{n.key}</strong>
        <span className={`type type-${n.type}`}>{n.type}</span>
        {ROLE_TEXT[n.role] && <span className={`type role role-${n.role}`}>{ROLE_TEXT[n.role]}</span>}
      </div>
      <div className="canvas-node-calls" title={n.calls}>
        {n.calls}
      </div>
      {n.when && (
        <div className="canvas-node-when" title={n.when}>
          if <code>{n.when}</code>
        </div>
      )}
      {n.onError === 'continue' && <div className="small muted">continues on error</div>}
      {n.run && (
        <div className="canvas-node-run">
          <StatusBadge status={n.run.status} />
          {n.run.status === 'FAILED' && n.run.handled && <span className="small muted">handled</span>}
          <span className="small muted">
            {n.run.attempts} attempt{n.run.attempts === 1 ? '' : 's'} · {duration(n.run.startedAt, n.run.finishedAt, data.now)}
          </span>
          {n.run.chunks && (
            <span className="small muted">
              {n.run.chunks.succeeded + n.run.chunks.failed}/{n.run.chunks.total} chunks
            </span>
          )}
        </div>
      )}
      <Handle type="source" position={Position.Bottom} isConnectable={data.editable} />
    </div>
  );
}

const nodeTypes = { task: TaskNodeView };

const EDGE_STYLE: Record<GraphEdge['kind'], { stroke: string; strokeDasharray?: string; label?: string }> = {
  success: { stroke: '#6b7488' },
  failure: { stroke: '#b3261e', strokeDasharray: '6 4', label: 'on failure' },
  always: { stroke: '#5b6271', strokeDasharray: '2 4', label: 'always' },
};

function Fit({ fitKey }: { fitKey: CanvasProps['fitKey'] }) {
  const flow = useReactFlow();
  useEffect(() => {
    // After React Flow has measured the nodes of the new graph.
    const t = setTimeout(() => void flow.fitView({ padding: 0.15, maxZoom: 1 }), 30);
    return () => clearTimeout(t);
  }, [fitKey, flow]);
  return null;
}

function Canvas(props: CanvasProps) {
  const { graph, selected = null, editable = false, now = Date.now() } = props;
  const positions = useMemo(() => layoutGraph(graph), [graph]);
  const [selectedEdge, setSelectedEdge] = useState<string | null>(null);
  const nodes = useMemo<TaskNode[]>(
    () =>
      graph.nodes.map((n) => ({
        id: n.key,
        type: 'task',
        position: positions.get(n.key)!,
        data: { node: n, now, editable },
        selected: n.key === selected,
        ariaLabel: describeNode(n),
        width: NODE_WIDTH,
        height: NODE_HEIGHT,
      })),
    [graph, positions, selected, now, editable],
  );
  const edges = useMemo<Edge[]>(
    () =>
      graph.edges.map((e) => {
        const s = EDGE_STYLE[e.kind];
        return {
          id: e.id,
          source: e.source,
          target: e.target,
          label: s.label,
          className: `edge-${e.kind}${e.implicit ? ' edge-implicit' : ''}`,
          style: { stroke: s.stroke, strokeWidth: 2, ...(s.strokeDasharray ? { strokeDasharray: s.strokeDasharray } : {}) },
          markerEnd: { type: MarkerType.ArrowClosed, color: s.stroke },
          ariaLabel: `${e.target} waits for ${e.source}${s.label ? ` (${s.label})` : ''}`,
          deletable: editable,
          selected: e.id === selectedEdge,
        };
      }),
    [graph, editable, selectedEdge],
  );
  const structure = graph.nodes.map((n) => n.key).join(',');
  return (
    <div className="canvas" role="group" aria-label={props.label}>
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        fitView
        fitViewOptions={{ padding: 0.15, maxZoom: 1 }}
        minZoom={0.2}
        nodesDraggable={false}
        nodesConnectable={editable}
        elementsSelectable
        nodesFocusable
        edgesFocusable={editable}
        deleteKeyCode={editable ? ['Delete', 'Backspace'] : null}
        onNodeClick={(_, n) => props.onSelect?.(n.id)}
        onPaneClick={() => props.onSelect?.(null)}
        onNodesChange={(changes) => {
          // Selection by keyboard (Enter, Space; Escape unselects) arrives as select changes: the newly selected one wins.
          const picked = changes.find((c) => c.type === 'select' && c.selected);
          if (picked && 'id' in picked) props.onSelect?.(picked.id);
          else if (changes.some((c) => c.type === 'select' && !c.selected && c.id === selected)) props.onSelect?.(null);
        }}
        onEdgesChange={(changes) => {
          for (const c of changes) if (c.type === 'select') setSelectedEdge(c.selected ? c.id : null);
        }}
        onConnect={(c) => c.source && c.target && props.onConnect?.(c.source, c.target)}
        onDelete={({ nodes: goneNodes, edges: goneEdges }) => {
          // Deleting a task also removes its edges: the task's removal rewires its dependents itself.
          if (goneNodes.length) goneNodes.forEach((n) => props.onDeleteTask?.(n.id));
          else goneEdges.forEach((e) => props.onDeleteEdge?.(e.source, e.target));
        }}
        proOptions={{ hideAttribution: false }}
      >
        <Background gap={16} />
        <Controls showInteractive={false} fitViewOptions={{ padding: 0.15, maxZoom: 1 }} />
        <Fit fitKey={`${structure}|${props.fitKey ?? ''}`} />
      </ReactFlow>
    </div>
  );
}

/** The canvas with its own React Flow store. */
export default function WorkflowCanvas(props: CanvasProps) {
  return (
    <ReactFlowProvider>
      <Canvas {...props} />
    </ReactFlowProvider>
  );
}
