/** The header every generated file starts with. */
export declare const HEADER: string;
/** Renders the TypeScript types of an OpenAPI document (openapi-typescript). */
export declare function renderApiTypes(doc: Record<string, unknown>): Promise<string>;
