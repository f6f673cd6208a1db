/**
 * The language-model boundary. A chat model streams text and tool calls for one request; the
 * pipeline owns prompts, tools, validation and persistence. The only tool ever offered is
 * `suggest_workflow_run`, whose "call" is data the pipeline validates — nothing executes it.
 */

/** One turn sent to the model. */
export interface ChatTurn {
  role: 'user' | 'assistant';
  content: string;
}

/** A tool the model may call: a name, a description and a JSON Schema for its arguments. */
export interface ToolSpec {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

export interface ChatRequest {
  system: string;
  messages: readonly ChatTurn[];
  tools: readonly ToolSpec[];
  signal: AbortSignal;
}

/** What a model streams back. Tool-call arguments arrive complete, as the model's raw JSON text. */
export type ChatEvent =
  { type: 'text'; text: string } | { type: 'tool_call'; name: string; arguments: string } | { type: 'finish'; reason: string };

/** A streaming chat model. */
export interface ChatModel {
  /** Provider and model, e.g. `anthropic:claude-sonnet-4`. */
  readonly id: string;
  stream(req: ChatRequest): AsyncIterable<ChatEvent>;
}
