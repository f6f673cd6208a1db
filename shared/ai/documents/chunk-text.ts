/**
 * Splits text into overlapping chunks for embedding. Boundaries prefer paragraph, then line, then
 * sentence, then word breaks. ~1200 characters (≈300 tokens) keeps a chunk on one topic while
 * leaving room for several in the context budget; 150 characters of overlap keeps a sentence cut
 * at a boundary findable from either side.
 */

export interface ChunkOptions {
  maxChars: number;
  overlapChars: number;
}

export const DEFAULT_CHUNKING: ChunkOptions = { maxChars: 1200, overlapChars: 150 };

function cutPoint(text: string, start: number, end: number): number {
  const window = text.slice(start, end);
  const min = Math.floor(window.length / 2);
  for (const sep of ['\n\n', '\n', '. ', '? ', '! ', '; ', ', ', ' ']) {
    const at = window.lastIndexOf(sep);
    if (at >= min) return start + at + sep.length;
  }
  return end;
}

/** The chunks of `text`, in order; every character of the text is in at least one chunk. */
export function chunkText(text: string, opts: ChunkOptions = DEFAULT_CHUNKING): string[] {
  if (opts.overlapChars >= opts.maxChars) throw new RangeError('overlapChars must be smaller than maxChars');
  const chunks: string[] = [];
  let start = 0;
  while (start < text.length) {
    const end = start + opts.maxChars >= text.length ? text.length : cutPoint(text, start, start + opts.maxChars);
    const chunk = text.slice(start, end).trim();
    if (chunk) chunks.push(chunk);
    if (end >= text.length) break;
    // Step back for the overlap, but always move forward, and start at a word boundary.
    let next = Math.max(end - opts.overlapChars, start + 1);
    const space = text.indexOf(' ', next);
    if (space !== -1 && space < end) next = space + 1;
    start = next;
  }
  return chunks;
}
