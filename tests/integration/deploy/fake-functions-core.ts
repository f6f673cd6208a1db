/**
 * A stand-in for `@azure/functions-core`, the module the Azure Functions Node.js worker injects
 * into the app process and through which `@azure/functions` registers functions and hooks. It
 * records what the real library registers, so a test sees exactly the metadata the host would
 * receive from `func start` or Azure, without the Core Tools binary.
 */
import Module from 'node:module';

export interface RegisteredFunction {
  metadata: { name: string; bindings: Record<string, Record<string, unknown> & { type: string; direction: string }> };
  callback: (...args: unknown[]) => unknown;
}

export interface FakeCore {
  functions: RegisteredFunction[];
  hooks: Record<string, Array<(context: unknown) => unknown>>;
  programmingModel: unknown;
}

/** Installs the fake under the module name `@azure/functions-core`; call before loading `@azure/functions`. */
export function installFakeFunctionsCore(): FakeCore {
  const core: FakeCore = { functions: [], hooks: {}, programmingModel: null };
  const api = {
    version: '3.10.1',
    setProgrammingModel: (m: unknown) => void (core.programmingModel = m),
    getProgrammingModel: () => core.programmingModel,
    registerFunction: (metadata: RegisteredFunction['metadata'], callback: RegisteredFunction['callback']) => {
      core.functions.push({ metadata, callback });
      return { dispose: () => undefined };
    },
    registerHook: (name: string, cb: (context: unknown) => unknown) => {
      (core.hooks[name] ??= []).push(cb);
      return { dispose: () => undefined };
    },
    log: () => undefined,
  };
  const M = Module as unknown as { _resolveFilename: (req: string, ...rest: unknown[]) => string; _cache: Record<string, unknown> };
  const resolve = M._resolveFilename;
  M._resolveFilename = function (req: string, ...rest: unknown[]) {
    return req === '@azure/functions-core' ? '@azure/functions-core' : resolve.call(this, req, ...rest);
  };
  M._cache['@azure/functions-core'] = {
    id: '@azure/functions-core',
    filename: '@azure/functions-core',
    loaded: true,
    exports: api,
    children: [],
    paths: [],
  };
  return core;
}
