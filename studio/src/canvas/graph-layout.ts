/**
 * Positions for the graph's nodes, top to bottom, with dagre: tasks that need the same task sit
 * side by side (branches), a join below them. Loaded only with the canvas (the layout library
 * stays out of the main chunk).
 */
import dagre from '@dagrejs/dagre';
import type { WorkflowGraph } from './graph-model';

/** A node's box on the canvas, in pixels: wide enough for `connector · operation` and a condition line. */
export const NODE_WIDTH = 240;
export const NODE_HEIGHT = 92;

/** The top-left corner of each node, by key. */
export function layoutGraph(graph: Pick<WorkflowGraph, 'nodes' | 'edges'>): Map<string, { x: number; y: number }> {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'TB', nodesep: 40, ranksep: 56, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of graph.nodes) g.setNode(n.key, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const e of graph.edges) g.setEdge(e.source, e.target);
  dagre.layout(g);
  const out = new Map<string, { x: number; y: number }>();
  for (const n of graph.nodes) {
    const p = g.node(n.key);
    out.set(n.key, { x: p.x - NODE_WIDTH / 2, y: p.y - NODE_HEIGHT / 2 });
  }
  return out;
}
