/** The browser tab's title for each route, so tabs, history and screen readers name the page. */
const TITLES: Array<[RegExp, string]> = [
  [/^\/workflows\/new$/, 'New workflow'],
  [/^\/workflows\/[^/]+$/, 'Workflow'],
  [/^\/workflows\/?$/, 'Workflows'],
  [/^\/runs\/[^/]+$/, 'Run'],
  [/^\/runs\/?$/, 'Runs'],
  [/^\/inbox\/?$/, 'Inbox'],
  [/^\/workers\/[^/]+$/, 'Digital worker'],
  [/^\/workers\/?$/, 'Digital workers'],
  [/^\/connectors\/?$/, 'Connectors'],
  [/^\/business-objects\/?$/, 'Business objects'],
  [/^\/studio\/?$/, 'Assistant'],
  [/^\/projects\/?$/, 'Projects'],
  [/^\/hq(\/.*)?$/, 'HQ'],
  [/^\/?$/, 'Workflows'],
];

/** `Page · Demiton studio` for a path; "Page not found" for a path no route matches. */
export function routeTitle(pathname: string): string {
  const page = TITLES.find(([re]) => re.test(pathname))?.[1] ?? 'Page not found';
  return `${page} · Demiton studio`;
}
