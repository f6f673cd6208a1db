/**
 * Text extraction for uploaded documents: plain text, Markdown, HTML and PDF. The type comes from
 * the Content-Type, or from the file extension when the client sent a generic type.
 */
import { Parser } from 'htmlparser2';
import { DocumentUnreadableError, UnsupportedDocumentTypeError } from '../ai-errors';

export type DocumentKind = 'text' | 'markdown' | 'html' | 'pdf';

const BY_TYPE: Record<string, DocumentKind> = {
  'text/plain': 'text',
  'text/markdown': 'markdown',
  'text/x-markdown': 'markdown',
  'text/html': 'html',
  'application/xhtml+xml': 'html',
  'application/pdf': 'pdf',
};
const BY_EXTENSION: Record<string, DocumentKind> = {
  txt: 'text',
  text: 'text',
  log: 'text',
  csv: 'text',
  md: 'markdown',
  markdown: 'markdown',
  htm: 'html',
  html: 'html',
  pdf: 'pdf',
};
const CANONICAL: Record<DocumentKind, string> = {
  text: 'text/plain',
  markdown: 'text/markdown',
  html: 'text/html',
  pdf: 'application/pdf',
};

/** Decides how to read a file; throws `UnsupportedDocumentTypeError` for anything else. */
export function documentKind(contentType: string | null | undefined, fileName: string): { kind: DocumentKind; contentType: string } {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const ext = /\.([A-Za-z0-9]+)$/.exec(fileName)?.[1]?.toLowerCase() ?? '';
  const kind = BY_TYPE[type] ?? (type === '' || type === 'application/octet-stream' ? BY_EXTENSION[ext] : undefined);
  if (!kind) throw new UnsupportedDocumentTypeError(type || 'unknown type', fileName);
  return { kind, contentType: CANONICAL[kind] };
}

function decodeUtf8(bytes: Uint8Array, fileName: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch (err) {
    throw new DocumentUnreadableError(fileName, 'the file is not valid UTF-8 text', { cause: err });
  }
}

const BLOCK = new Set([
  'p',
  'div',
  'br',
  'li',
  'ul',
  'ol',
  'tr',
  'table',
  'section',
  'article',
  'header',
  'footer',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'pre',
  'blockquote',
  'hr',
  'dd',
  'dt',
]);
const SKIP = new Set(['script', 'style', 'noscript', 'template', 'svg', 'head']);

/** The visible text of an HTML document, with block elements on their own lines. */
export function htmlToText(html: string): string {
  let out = '';
  let skipping = 0;
  const parser = new Parser(
    {
      onopentag(name) {
        if (SKIP.has(name)) skipping++;
        else if (BLOCK.has(name)) out += '\n';
      },
      onclosetag(name) {
        if (SKIP.has(name)) skipping = Math.max(0, skipping - 1);
        else if (BLOCK.has(name)) out += '\n';
      },
      ontext(text) {
        if (!skipping) out += text;
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.write(html);
  parser.end();
  return out;
}

/**
 * Bounds on reading one PDF. Parsing runs on the event loop that serves the API; a PDF of a few
 * megabytes can declare thousands of pages or content streams that take long to decode. 500 pages
 * is several books' worth of text for the assistant; 30 s is far above a real document's parse.
 */
export const PDF_LIMITS = { maxPages: 500, timeMs: 30_000 };

async function pdfToText(bytes: Uint8Array, fileName: string, limits: typeof PDF_LIMITS): Promise<string> {
  // The legacy build runs in Node without a DOM or worker thread; ESM-only, hence the dynamic import.
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const deadline = performance.now() + limits.timeMs;
  const task = pdfjs.getDocument({
    data: new Uint8Array(bytes),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    verbosity: 0,
  });
  // Every step is raced against the deadline; past it the document is destroyed, which stops its parsing.
  const withinTime = async <T>(step: Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new DocumentUnreadableError(fileName, `reading the PDF took longer than ${limits.timeMs / 1000} s`)),
        Math.max(0, deadline - performance.now()),
      );
    });
    try {
      return await Promise.race([step, late]);
    } finally {
      clearTimeout(timer);
    }
  };
  let doc;
  try {
    doc = await withinTime(task.promise);
  } catch (err) {
    await task.destroy();
    if (err instanceof DocumentUnreadableError) throw err;
    throw new DocumentUnreadableError(fileName, `not a readable PDF (${(err as Error).message})`, { cause: err });
  }
  try {
    if (doc.numPages > limits.maxPages)
      throw new DocumentUnreadableError(fileName, `the PDF has ${doc.numPages} pages; at most ${limits.maxPages} are read`);
    const pages: string[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await withinTime(doc.getPage(n));
      const content = await withinTime(page.getTextContent());
      let text = '';
      for (const item of content.items) {
        if ('str' in item) text += item.str + (item.hasEOL ? '\n' : '');
      }
      pages.push(text);
      page.cleanup();
    }
    return pages.join('\n\n');
  } finally {
    await doc.destroy();
  }
}

/** Whitespace tidied: runs of spaces collapsed, at most one blank line between paragraphs. */
export function tidy(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t\f\v\u00a0]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Extracts the text of a document; throws `DocumentUnreadableError` when there is none, or a PDF passes `pdfLimits`. */
export async function extractText(bytes: Uint8Array, kind: DocumentKind, fileName: string, pdfLimits = PDF_LIMITS): Promise<string> {
  let text: string;
  if (kind === 'pdf') text = await pdfToText(bytes, fileName, pdfLimits);
  else if (kind === 'html') text = htmlToText(decodeUtf8(bytes, fileName));
  else text = decodeUtf8(bytes, fileName);
  const clean = tidy(text);
  if (!clean)
    throw new DocumentUnreadableError(
      fileName,
      kind === 'pdf' ? 'the PDF has no text layer (scanned images are not read)' : 'the file has no text',
    );
  return clean;
}
