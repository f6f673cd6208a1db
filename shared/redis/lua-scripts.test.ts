/**
 * Every Lua script of the code base keeps its header true: each KEYS[n] and ARGV[n] the body uses
 * is named in the header and each one named is used; no script is inlined in TypeScript instead.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLuaScript } from './lua-scripts';

const shared = resolve(__dirname, '..');
const all = readdirSync(shared, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
const luaFiles = all.filter((e) => e.name.endsWith('.lua')).map((e) => join(e.parentPath, e.name));

/** The numbers n of `<list>[n]` the body (after the header) uses. */
function used(lua: string, list: 'KEYS' | 'ARGV'): number[] {
  const body = lua
    .split('\n')
    .filter((l) => !l.startsWith('--'))
    .join('\n');
  return [...new Set([...body.matchAll(new RegExp(`${list}\\[(\\d+)\\]`, 'g'))].map((m) => Number(m[1])))].sort((a, b) => a - b);
}

/** True when the body indexes `<list>` with a variable. */
const indexed = (lua: string, list: 'KEYS' | 'ARGV') => new RegExp(`\\n[^-][^\\n]*${list}\\[[a-z_]`).test(lua);

describe('Lua scripts', () => {
  it('are files beside their modules: the queue, the rate limiter and the assistant’s stream gate', () => {
    expect(luaFiles.map((f) => relative(shared, f)).sort()).toEqual([
      'ai/gate/lua/acquire.lua',
      'ai/gate/lua/count.lua',
      'ai/gate/lua/renew.lua',
      'auth/lua/rate-limit.lua',
      'queue/lua/ack-many.lua',
      'queue/lua/acquire-slot.lua',
      'queue/lua/release-slot.lua',
      'queue/lua/reserve-more.lua',
    ]);
  });

  it.each(luaFiles.map((f) => [relative(shared, f), f]))('%s: the header names exactly the KEYS and ARGV the body uses', (_name, file) => {
    const script = readLuaScript(file);
    expect(script.lua.split('\n')[0]).toMatch(/^-- \S/); // what it does, first
    const variadic = (list: 'KEYS' | 'ARGV') => new RegExp(`^-- ${list}\\[i\\] `, 'm').test(script.lua);
    for (const [list, named] of [
      ['KEYS', script.keys],
      ['ARGV', script.argv],
    ] as const) {
      if (variadic(list)) continue;
      const numbers = named.map((_, i) => i + 1);
      // A body that indexes with a variable (`KEYS[i]` in a loop) may use them all without naming each.
      if (indexed(script.lua, list)) expect(numbers).toEqual(expect.arrayContaining(used(script.lua, list)));
      else expect(used(script.lua, list)).toEqual(numbers);
    }
    expect(script.variadicKeys).toBe(variadic('KEYS'));
  });

  it('refuses a header that numbers its keys out of order', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lua-'));
    const file = join(dir, 'bad.lua');
    writeFileSync(file, '-- bad\n-- KEYS[1] a\n-- KEYS[3] c\nreturn 1\n');
    expect(() => readLuaScript(file)).toThrow(/KEYS\[3\] is out of order/);
  });

  it('no TypeScript module sends a script text with EVAL', () => {
    const offenders = all
      .filter((e) => e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
      .map((e) => join(e.parentPath, e.name))
      .filter((f) => /\.eval\(|redis\.call\(/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(shared, f));
    expect(offenders).toEqual([]);
  });
});
