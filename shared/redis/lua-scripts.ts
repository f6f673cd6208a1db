/**
 * Redis Lua scripts live in `.lua` files beside the module that runs them (BullMQ's
 * `src/commands/*.lua` style), each opening with a comment header that says what it does and names
 * its KEYS and ARGV, one line each:
 *
 *     -- Takes a slot or parks the run, atomically.
 *     -- KEYS[1] slots: zset holder → lease expiry
 *     -- ARGV[1] holder
 *
 * A script whose keys or arguments vary in number names them `KEYS[i]` / `ARGV[i]`. Each script is
 * read once and defined with ioredis' `defineCommand`, so a call is an EVALSHA (EVAL only the first
 * time and after a SCRIPT FLUSH or a failover), never the full text per call. lua-scripts.test.ts
 * checks every header against the body. The build copies the files beside the compiled modules
 * (scripts/copy-assets.mjs).
 */
import { readFileSync } from 'node:fs';
import type { RedisClient } from './redis-connection';

export interface LuaScript {
  /** The file it was read from. */
  file: string;
  lua: string;
  /** KEYS the header names, by number (empty when they vary: `KEYS[i]`). */
  keys: string[];
  /** ARGV the header names, by number (empty when they vary: `ARGV[i]`). */
  argv: string[];
  /** True when the header says the keys vary in number (the caller passes the count first). */
  variadicKeys: boolean;
}

const HEADER_LINE = /^--\s*(KEYS|ARGV)\[(\d+|i)\]\s+(.*)$/;

/** Reads a script and its header; throws when the header numbers its KEYS or ARGV out of order. */
export function readLuaScript(file: string): LuaScript {
  const lua = readFileSync(file, 'utf8');
  const keys: string[] = [];
  const argv: string[] = [];
  let variadicKeys = false;
  for (const line of lua.split('\n')) {
    if (!line.startsWith('--')) break;
    const m = HEADER_LINE.exec(line);
    if (!m) continue;
    const list = m[1] === 'KEYS' ? keys : argv;
    if (m[2] === 'i') {
      if (m[1] === 'KEYS') variadicKeys = true;
      continue;
    }
    if (Number(m[2]) !== list.length + 1) throw new Error(`${file}: ${m[1]}[${m[2]}] is out of order in the header`);
    list.push(m[3]!.trim());
  }
  return { file, lua, keys, argv, variadicKeys };
}

/**
 * Defines `name` on `client` from `script` (once per connection) and returns the command as a
 * function: `(…keys, …argv)`, or `(numberOfKeys, …keys, …argv)` for a script whose keys vary.
 */
export function defineLuaCommand<R>(client: RedisClient, name: string, script: LuaScript): (...args: Array<string | number>) => Promise<R> {
  client.defineCommand(name, script.variadicKeys ? { lua: script.lua } : { lua: script.lua, numberOfKeys: script.keys.length });
  const command = (client as unknown as Record<string, (...args: Array<string | number>) => Promise<R>>)[name]!;
  return (...args) => command.apply(client, args);
}
