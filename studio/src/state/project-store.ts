/** The project the studio is scoped to, remembered across visits. Null means the default project. */
import { create } from 'zustand';
import { persist } from 'zustand/middleware';

interface ProjectState {
  projectId: string | null;
  setProject(id: string | null): void;
}

export const useProjectStore = create<ProjectState>()(
  persist((set) => ({ projectId: null, setProject: (projectId) => set({ projectId }) }), { name: 'demiton.project' }),
);
