/**
 * The icon browsers ask for at /favicon.ico. The local host serves the studio's own file when it
 * has one and this built-in one otherwise (the API alone, or the placeholder page), so the request
 * is never a 404 in the console. The same SVG is studio/public/favicon.svg, which the studio build
 * copies to its root; a test keeps the two equal.
 */
export const FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">' +
  '<rect width="32" height="32" rx="7" fill="#141a2e"/>' +
  '<path d="M9 8h7a8 8 0 0 1 0 16H9z" fill="none" stroke="#8c9bff" stroke-width="3.5" stroke-linejoin="round"/>' +
  '<circle cx="16" cy="16" r="2.5" fill="#fff"/>' +
  '</svg>\n';
