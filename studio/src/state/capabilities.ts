/** What this deployment's control plane offers, read once from its OpenAPI document. */
import { useQuery } from '@tanstack/react-query';
import { getCapabilities } from '../services/api';

export function useCapabilities() {
  return useQuery({ queryKey: ['capabilities'], queryFn: getCapabilities, staleTime: 5 * 60_000 });
}

/** The operations of `needs` that this deployment lacks (empty when all are there, or still loading). */
export function useMissing(needs: string[]): { loading: boolean; missing: string[] } {
  const caps = useCapabilities();
  if (!caps.data) return { loading: caps.isPending, missing: [] };
  return { loading: false, missing: needs.filter((n) => !caps.data.has(n)) };
}
