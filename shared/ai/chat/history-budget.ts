/**
 * Fits a conversation's history into the model's context budget: the newest turns are kept
 * whole; older ones are folded into a short extractive summary (no extra model call, so it costs
 * nothing and works with no model configured).
 */
import type { ChatTurn } from '../llm/chat-model';

/** A rough token estimate: ~4 characters per token for English text. */
export const estimateTokens = (text: string) => Math.ceil(text.length / 4);

export interface FittedHistory {
  turns: ChatTurn[];
  /** A summary of the turns left out, or null when everything fit. */
  summary: string | null;
  dropped: number;
}

/** Keeps the newest turns within `budgetTokens`; the kept list always starts with a user turn. */
export function fitHistory(history: readonly ChatTurn[], budgetTokens: number): FittedHistory {
  const kept: ChatTurn[] = [];
  let used = 0;
  for (let i = history.length - 1; i >= 0; i--) {
    const t = history[i]!;
    const cost = estimateTokens(t.content) + 4;
    if (used + cost > budgetTokens) break;
    kept.unshift(t);
    used += cost;
  }
  // Providers expect the first turn to be the user's (Anthropic requires it).
  while (kept.length && kept[0]!.role !== 'user') kept.shift();
  const dropped = history.slice(0, history.length - kept.length);
  if (!dropped.length) return { turns: kept, summary: null, dropped: 0 };
  const lines = dropped
    .filter((t) => t.role === 'user')
    .slice(-10)
    .map((t) => `- the user asked: ${t.content.replace(/\s+/g, ' ').slice(0, 160)}`);
  const summary =
    `${dropped.length} earlier message(s) are not shown. ${lines.length ? `Earlier questions:\n${lines.join('\n')}` : ''}`.trim();
  return { turns: kept, summary: summary.slice(0, Math.max(200, budgetTokens * 4 * 0.2)), dropped: dropped.length };
}

/**
 * Joins consecutive turns of the same role (a question whose answer failed is followed by the
 * next question): providers expect user and assistant turns to alternate.
 */
export function alternateTurns(turns: readonly ChatTurn[]): ChatTurn[] {
  const out: ChatTurn[] = [];
  for (const t of turns) {
    const last = out.at(-1);
    if (last && last.role === t.role) out[out.length - 1] = { role: t.role, content: `${last.content}\n\n${t.content}` };
    else out.push({ ...t });
  }
  return out;
}
