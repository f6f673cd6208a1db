/** Server-Sent Events framing for answer streams. */

export type AnswerEventName = 'notice' | 'delta' | 'citation' | 'suggestion' | 'done' | 'error';

const encoder = new TextEncoder();

/** One event: `event: name` and its JSON payload on one `data:` line (JSON never contains a raw newline). */
export function sseEvent(name: AnswerEventName, data: unknown): Uint8Array {
  return encoder.encode(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
}

/** A comment line: keeps proxies from closing an idle stream while the model thinks. */
export function sseComment(text: string): Uint8Array {
  return encoder.encode(`: ${text}\n\n`);
}
