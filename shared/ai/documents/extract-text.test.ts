import { describe, expect, it } from 'vitest';
import { DocumentUnreadableError, UnsupportedDocumentTypeError } from '../ai-errors';
import { documentKind, extractText, htmlToText } from './extract-text';

describe('document kinds', () => {
  it('follows the content type, or the extension when the type is generic', () => {
    expect(documentKind('text/markdown; charset=utf-8', 'x.bin')).toEqual({ kind: 'markdown', contentType: 'text/markdown' });
    expect(documentKind('application/octet-stream', 'Report.PDF')).toEqual({ kind: 'pdf', contentType: 'application/pdf' });
    expect(documentKind(null, 'page.htm').kind).toBe('html');
    expect(() => documentKind('image/png', 'x.png')).toThrow(UnsupportedDocumentTypeError);
    expect(() => documentKind('application/octet-stream', 'x.exe')).toThrow(UnsupportedDocumentTypeError);
  });
});

describe('extractText', () => {
  it('reads HTML text without scripts or styles, blocks on their own lines', () => {
    expect(
      htmlToText('<style>p{}</style><h1>Title</h1><p>One &amp; two</p><script>evil()</script><p>Three</p>').trim().split(/\n+/),
    ).toEqual(['Title', 'One & two', 'Three']);
  });

  it('tidies whitespace and strips a BOM', async () => {
    expect(await extractText(new TextEncoder().encode('\uFEFFa   b\r\n\r\n\r\n\r\nc'), 'text', 'x.txt')).toBe('a b\n\nc');
  });

  it('refuses invalid UTF-8 and empty documents', async () => {
    await expect(extractText(new Uint8Array([0xff, 0xfe, 0xfd]), 'text', 'x.txt')).rejects.toBeInstanceOf(DocumentUnreadableError);
    await expect(extractText(new TextEncoder().encode('<p> </p>'), 'html', 'x.html')).rejects.toMatchObject({
      code: 'document_unreadable',
    });
  });
});
