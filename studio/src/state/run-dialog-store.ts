/**
 * The Run dialog, opened from anywhere (a workflow page, an assistant suggestion) with an
 * optional prefilled input. It never starts a run by itself: the user presses Run.
 */
import { create } from 'zustand';

interface RunDialogState {
  workflowId: string | null;
  prefill: Record<string, unknown> | null;
  open(workflowId: string, prefill?: Record<string, unknown>): void;
  close(): void;
}

export const useRunDialog = create<RunDialogState>()((set) => ({
  workflowId: null,
  prefill: null,
  open: (workflowId, prefill) => set({ workflowId, prefill: prefill ?? null }),
  close: () => set({ workflowId: null, prefill: null }),
}));
