/** Types of check-bundle-size.mjs (run by Node directly, imported by the tests). */
export const MAIN_CHUNK_LIMIT: number;
export function measure(dist: string): { main: { file: string; gzip: number }; chunks: Array<{ file: string; gzip: number }> };
