/**
 * The canvas, loaded on first use: React Flow, dagre and their styles are a separate chunk of
 * the build (about 60 KB gzip), fetched only by the workflow and run pages, so the main chunk
 * stays small (studio/scripts/check-bundle-size.mjs holds it under its bound). Where the browser
 * lacks ResizeObserver, which React Flow needs to measure nodes, the page's own list stands in.
 */
import { Component, lazy, Suspense, type ReactNode } from 'react';
import type { CanvasProps } from './workflow-canvas';

const WorkflowCanvas = lazy(() => import('./workflow-canvas'));

/** False where the canvas cannot run (no ResizeObserver): callers show their list instead. */
export const canvasSupported = () => typeof ResizeObserver !== 'undefined';

/** A failed chunk download (a deployment replaced the files) shows the fallback, not a blank page. */
class LoadBoundary extends Component<{ fallback: ReactNode; children: ReactNode }, { failed: boolean }> {
  state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  render() {
    return this.state.failed ? this.props.fallback : this.props.children;
  }
}

export function LazyCanvas({ fallback, ...props }: CanvasProps & { fallback: ReactNode }) {
  if (!canvasSupported()) return <>{fallback}</>;
  return (
    <LoadBoundary fallback={fallback}>
      <Suspense
        fallback={
          <p className="canvas-loading" role="status">
            <span className="spinner" aria-hidden="true" /> Loading the graph…
          </p>
        }
      >
        <WorkflowCanvas {...props} />
      </Suspense>
    </LoadBoundary>
  );
}
