/** Reads a Server-Sent Events response into `{ event, data }` records (data parsed as JSON). */

export interface SseRecord {
  event: string;
  data: any;
}

/** Parses a complete SSE text. */
export function parseSse(text: string): SseRecord[] {
  const out: SseRecord[] = [];
  for (const block of text.split('\n\n')) {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    if (data.length) out.push({ event, data: JSON.parse(data.join('\n')) });
  }
  return out;
}

/** POSTs a question and collects the whole answer stream. */
export async function ask(
  base: string,
  conversationId: string,
  content: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${base}/api/studio/conversations/${conversationId}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ content, ...extra }),
  });
  const text = await res.text();
  const isSse = (res.headers.get('content-type') ?? '').startsWith('text/event-stream');
  const events = isSse ? parseSse(text) : [];
  return {
    status: res.status,
    headers: res.headers,
    events,
    body: isSse ? undefined : text ? JSON.parse(text) : undefined,
    text: events
      .filter((e) => e.event === 'delta')
      .map((e) => e.data.text)
      .join(''),
    of: (name: string) => events.filter((e) => e.event === name).map((e) => e.data),
  };
}
