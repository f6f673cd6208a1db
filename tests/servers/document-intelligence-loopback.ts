/**
 * A loopback server speaking the Azure AI Document Intelligence REST API 2024-11-30 as documented:
 * `POST /documentintelligence/documentModels/{modelId}:analyze?api-version=2024-11-30` with a JSON
 * `{ base64Source }` (or `urlSource`) body → 202 with `Operation-Location` and `Retry-After`;
 * `GET …/analyzeResults/{resultId}` → `{ status: running }` for the first polls, then
 * `{ status: succeeded, analyzeResult: { content, pages, documents: [{ docType, fields }] } }`.
 * Authentication: `Ocp-Apim-Subscription-Key`, or an Entra bearer token from its own
 * `/{tenant}/oauth2/v2.0/token` (so a connector's authority can point here). The analysis is
 * real: PDF text is extracted (pdfjs, as the platform does) and `prebuilt-invoice` fields are read
 * from "Label: value" lines, so fields come from the document the test generated.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { extractText } from '../../shared/ai/documents/extract-text';
import type { RecordedRequest } from './openai-loopback';

export interface DocumentIntelligenceLoopback {
  url: string;
  apiKey: string;
  tenant: string;
  clientId: string;
  clientSecret: string;
  requests: RecordedRequest[];
  /** Polls answered `running` before the result (default 1). */
  runningPolls: number;
  /** Seconds in Retry-After (default 0, so tests stay fast). */
  retryAfter: number;
  close(): Promise<void>;
}

const field = (type: string, value: unknown, content: string, confidence: number) => ({
  type,
  [`value${type[0]!.toUpperCase()}${type.slice(1)}`]: value,
  content,
  confidence,
});

/** `prebuilt-invoice` fields from "Label: value" lines of the text. */
function invoiceFields(text: string): Record<string, unknown> {
  const line = (label: string) =>
    new RegExp(`${label}\\s*:\\s*(.+)`, 'i')
      .exec(text)?.[1]
      ?.trim()
      .split(/\s{2,}/)[0];
  const out: Record<string, unknown> = {};
  const vendor = line('Vendor');
  if (vendor) out['VendorName'] = field('string', vendor, vendor, 0.94);
  const vendorId = line('Vendor No');
  if (vendorId) out['VendorTaxId'] = field('string', vendorId, vendorId, 0.9);
  const id = line('Invoice number');
  if (id) out['InvoiceId'] = field('string', id, id, 0.97);
  const date = line('Invoice date');
  if (date) out['InvoiceDate'] = field('date', date, date, 0.95);
  const total = line('Total');
  if (total) {
    const m = /([\d.,]+)\s*([A-Z]{3})?/.exec(total);
    out['InvoiceTotal'] = field(
      'currency',
      { amount: Number(m?.[1]?.replace(/,/g, '')), currencyCode: m?.[2] ?? 'EUR', currencySymbol: null },
      total,
      0.91,
    );
  }
  const items = [...text.matchAll(/Item\s*:\s*(.+?)\s*;\s*qty\s*(\d+)\s*;\s*price\s*([\d.]+)/gi)].map((m) => ({
    type: 'object',
    valueObject: {
      Description: field('string', m[1]!, m[1]!, 0.9),
      Quantity: field('number', Number(m[2]), m[2]!, 0.88),
      UnitPrice: field('currency', { amount: Number(m[3]), currencyCode: 'EUR' }, m[3]!, 0.87),
    },
    confidence: 0.9,
  }));
  if (items.length) out['Items'] = { type: 'array', valueArray: items };
  return out;
}

/** Starts the server on a random loopback port. */
export async function startDocumentIntelligenceLoopback(): Promise<DocumentIntelligenceLoopback> {
  const apiKey = `di-${randomUUID()}`;
  const tenant = randomUUID();
  const clientId = randomUUID();
  const clientSecret = `sp-${randomUUID()}`;
  const tokens = new Set<string>();
  const results = new Map<
    string,
    { polls: number; result: Record<string, unknown> | null; error: { code: string; message: string } | null }
  >();
  const requests: RecordedRequest[] = [];
  const state = { runningPolls: 1, retryAfter: 0 };
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const rec: RecordedRequest = {
      method: req.method ?? 'GET',
      path: decodeURIComponent(url.pathname),
      query: url.searchParams,
      headers: req.headers,
      body: undefined,
      aborted: false,
      finished: true,
    };
    requests.push(rec);
    const reply = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', 'apim-request-id': randomUUID(), ...headers });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    const error = (status: number, code: string, message: string) => reply(status, { error: { code, message } });

    if (req.method === 'POST' && rec.path === `/${tenant}/oauth2/v2.0/token`) {
      const form = new URLSearchParams(text);
      if (form.get('client_id') !== clientId || form.get('client_secret') !== clientSecret)
        return reply(401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' });
      if (form.get('scope') !== 'https://cognitiveservices.azure.com/.default')
        return reply(400, { error: 'invalid_scope', error_description: `AADSTS70011: scope ${form.get('scope')} is not valid.` });
      const token = randomUUID();
      tokens.add(token);
      return reply(200, { token_type: 'Bearer', expires_in: 3599, access_token: token });
    }
    const bearer = /^Bearer (.+)$/.exec(String(req.headers['authorization'] ?? ''))?.[1];
    if (req.headers['ocp-apim-subscription-key'] !== apiKey && !(bearer && tokens.has(bearer))) {
      return error(
        401,
        '401',
        'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
      );
    }
    if (url.searchParams.get('api-version') !== '2024-11-30') return error(404, 'NotFound', 'Resource not found: unsupported api-version.');
    if (req.method === 'GET' && rec.path === '/documentintelligence/info')
      return reply(200, { customDocumentModels: { count: 0, limit: 250 } });

    const analyze = /^\/documentintelligence\/documentModels\/([^/:]+):analyze$/.exec(rec.path);
    if (analyze && req.method === 'POST') {
      const modelId = analyze[1]!;
      let body: { base64Source?: string; urlSource?: string };
      try {
        body = JSON.parse(text) as typeof body;
      } catch {
        return error(400, 'InvalidRequest', 'Invalid request body.');
      }
      rec.body = { ...body, base64Source: body.base64Source ? `(${body.base64Source.length} base64 characters)` : undefined };
      if (!body.base64Source) return error(400, 'InvalidRequest', 'Invalid request. base64Source or urlSource is required.');
      if (!['prebuilt-invoice', 'prebuilt-receipt', 'prebuilt-layout', 'prebuilt-read'].includes(modelId))
        return error(404, 'ModelNotFound', `The requested model '${modelId}' was not found.`);
      const bytes = Buffer.from(body.base64Source, 'base64');
      const resultId = randomUUID();
      const entry: { polls: number; result: Record<string, unknown> | null; error: { code: string; message: string } | null } = {
        polls: 0,
        result: null,
        error: null,
      };
      results.set(resultId, entry);
      try {
        const isPdf = bytes.subarray(0, 5).toString('latin1') === '%PDF-';
        const content = isPdf ? await extractText(bytes, 'pdf', 'document.pdf') : bytes.toString('utf8');
        const fields = modelId === 'prebuilt-invoice' ? invoiceFields(content) : {};
        entry.result = {
          apiVersion: '2024-11-30',
          modelId,
          stringIndexType: 'textElements',
          content,
          pages: [{ pageNumber: 1, width: 8.5, height: 11, unit: 'inch', words: [], lines: [] }],
          ...(modelId === 'prebuilt-invoice'
            ? { documents: [{ docType: 'invoice', boundingRegions: [], spans: [], fields, confidence: 0.93 }] }
            : {}),
        };
      } catch (err) {
        entry.error = { code: 'InvalidContent', message: `The file is corrupted or format is unsupported: ${(err as Error).message}` };
      }
      const location = `${url.origin}/documentintelligence/documentModels/${modelId}/analyzeResults/${resultId}?api-version=2024-11-30`;
      return reply(202, undefined, { 'operation-location': location, 'retry-after': String(state.retryAfter) });
    }
    const poll = /^\/documentintelligence\/documentModels\/([^/]+)\/analyzeResults\/([^/]+)$/.exec(rec.path);
    if (poll && req.method === 'GET') {
      const entry = results.get(poll[2]!);
      if (!entry) return error(404, 'NotFound', 'Analyze result not found.');
      const now = new Date().toISOString();
      if (entry.polls++ < state.runningPolls)
        return reply(
          200,
          { status: 'running', createdDateTime: now, lastUpdatedDateTime: now },
          { 'retry-after': String(state.retryAfter) },
        );
      if (entry.error) return reply(200, { status: 'failed', createdDateTime: now, lastUpdatedDateTime: now, error: entry.error });
      return reply(200, { status: 'succeeded', createdDateTime: now, lastUpdatedDateTime: now, analyzeResult: entry.result });
    }
    return error(404, 'NotFound', `No route for ${req.method} ${rec.path}`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    tenant,
    clientId,
    clientSecret,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  });
}
