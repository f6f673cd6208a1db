/**
 * A loopback server speaking the Azure AI Search REST API as `@azure/search-documents` sends it:
 * create-or-update index (`PUT /indexes('name')`), index documents
 * (`POST /indexes('name')/docs/search.index`, mergeOrUpload/upload/delete actions) and search
 * (`POST /indexes('name')/docs/search.post.search`) with OData `eq`/`and` filters and vector queries
 * scored by cosine similarity. Filters are applied before the nearest-neighbour selection when
 * `vectorFilterMode` is `preFilter` (the service default), after it for `postFilter` — so a test can
 * tell the two apart. Every request is recorded.
 */
import { createServer, type Server } from 'node:http';
import type { RecordedRequest } from './openai-loopback';

type Doc = Record<string, unknown>;

export interface AiSearchLoopback {
  url: string;
  requests: RecordedRequest[];
  indexes: Map<string, { definition: any; docs: Map<string, Doc> }>;
  close(): Promise<void>;
}

function matches(doc: Doc, filter: string | undefined): boolean {
  if (!filter) return true;
  return filter.split(/\s+and\s+/i).every((clause) => {
    const m = /^\s*(\w+)\s+eq\s+'((?:[^']|'')*)'\s*$/.exec(clause);
    if (!m) throw new Error(`unsupported filter clause: ${clause}`);
    return doc[m[1]!] === m[2]!.replace(/''/g, "'");
  });
}

function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

/** Starts the server on a random loopback port. */
export async function startAiSearchLoopback(opts: { apiKey?: string } = {}): Promise<AiSearchLoopback> {
  const requests: RecordedRequest[] = [];
  const indexes: AiSearchLoopback['indexes'] = new Map();
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://loopback');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const rec: RecordedRequest = {
      method: req.method ?? 'GET',
      path: decodeURIComponent(url.pathname),
      query: url.searchParams,
      headers: req.headers,
      body: text ? JSON.parse(text) : undefined,
      aborted: false,
      finished: true,
    };
    requests.push(rec);
    const reply = (status: number, body?: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; odata.metadata=none', 'request-id': 'loopback' });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    if (opts.apiKey && req.headers['api-key'] !== opts.apiKey) return reply(403, { error: { code: 'Forbidden', message: 'bad api-key' } });
    if (!url.searchParams.get('api-version'))
      return reply(400, { error: { code: 'MissingApiVersionParameter', message: 'api-version is required' } });

    const m = /^\/indexes(?:\('([^']+)'\)|\/([^/]+))(?:\/docs\/(search\.index|search\.post\.search))?$/.exec(rec.path);
    if (!m) return reply(404, { error: { code: 'NotFound', message: `no route ${rec.path}` } });
    const name = (m[1] ?? m[2])!;
    const op = m[3];
    if (!op && req.method === 'PUT') {
      const existed = indexes.has(name);
      indexes.set(name, { definition: rec.body, docs: indexes.get(name)?.docs ?? new Map() });
      return reply(existed ? 200 : 201, rec.body);
    }
    const index = indexes.get(name);
    if (!index) return reply(404, { error: { code: 'IndexNotFound', message: `The index '${name}' was not found.` } });
    const key = (index.definition.fields as Array<{ name: string; key?: boolean }>).find((f) => f.key)!.name;
    if (op === 'search.index') {
      const results = (rec.body.value as Doc[]).map((d) => {
        const action = d['@search.action'] ?? 'upload';
        const { ['@search.action']: _a, ...doc } = d;
        const id = String(doc[key]);
        if (action === 'delete') index.docs.delete(id);
        else index.docs.set(id, action === 'merge' || action === 'mergeOrUpload' ? { ...index.docs.get(id), ...doc } : doc);
        return { key: id, status: true, errorMessage: null, statusCode: 200 };
      });
      return reply(200, { value: results });
    }
    if (op === 'search.post.search') {
      const b = rec.body;
      const top: number = b.top ?? 50;
      let docs = [...index.docs.values()];
      const vq = b.vectorQueries?.[0];
      let scored: Array<{ doc: Doc; score: number }>;
      if (vq) {
        const field = String(vq.fields).split(',')[0]!;
        const pre = (b.vectorFilterMode ?? 'preFilter') === 'preFilter';
        if (pre) docs = docs.filter((d) => matches(d, b.filter));
        scored = docs
          .map((d) => ({ doc: d, score: cosine(d[field] as number[], vq.vector) }))
          .sort((x, y) => y.score - x.score)
          .slice(0, vq.k ?? vq.kNearestNeighborsCount ?? 50);
        if (!pre) scored = scored.filter((s) => matches(s.doc, b.filter));
      } else if (typeof b.search === 'string' && b.search.trim() && b.search.trim() !== '*') {
        // Keyword search: documents with any term in a string field, scored by the terms they hold.
        const terms: string[] = b.search.toLowerCase().split(/\s+/).filter(Boolean);
        scored = docs
          .filter((d) => matches(d, b.filter))
          .map((doc) => {
            const text = Object.values(doc)
              .filter((v) => typeof v === 'string')
              .join(' ')
              .toLowerCase();
            return { doc, score: terms.filter((t) => text.includes(t)).length };
          })
          .filter((x) => x.score > 0)
          .sort((x, y) => y.score - x.score);
      } else scored = docs.filter((d) => matches(d, b.filter)).map((doc) => ({ doc, score: 1 }));
      const select: string[] | null = b.select ? String(b.select).split(',') : null;
      return reply(200, {
        value: scored
          .slice(0, top)
          .map((s) => ({ '@search.score': s.score, ...(select ? Object.fromEntries(select.map((f) => [f, s.doc[f]])) : s.doc) })),
      });
    }
    return reply(405, { error: { code: 'MethodNotAllowed', message: `${req.method} ${rec.path}` } });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    indexes,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
