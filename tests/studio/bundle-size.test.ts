/**
 * The studio build's size check (studio/scripts/check-bundle-size.mjs): it measures the script
 * index.html loads, gzip, and fails the build above the bound, naming the figure.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAIN_CHUNK_LIMIT, measure } from '../../studio/scripts/check-bundle-size.mjs';

const script = join(__dirname, '../../studio/scripts/check-bundle-size.mjs');
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function fakeDist(mainBytes: Buffer) {
  const dist = mkdtempSync(join(tmpdir(), 'studio-dist-'));
  dirs.push(dist);
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), '<script type="module" crossorigin src="/assets/index-abc.js"></script>');
  writeFileSync(join(dist, 'assets/index-abc.js'), mainBytes);
  // A lazy chunk far over the bound does not count.
  writeFileSync(join(dist, 'assets/workflow-canvas-def.js'), randomBytes(MAIN_CHUNK_LIMIT + 10_000));
  return dist;
}

describe('studio bundle size check', () => {
  it('measures the entry script gzip and passes within the bound', () => {
    const dist = fakeDist(Buffer.from('console.log(1);'.repeat(10_000)));
    const { main, chunks } = measure(dist);
    expect(main.file).toBe('assets/index-abc.js');
    expect(main.gzip).toBeLessThan(2_000);
    expect(chunks).toHaveLength(2);
    const r = spawnSync(process.execPath, [script, dist], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Main chunk \d+\.\d KB gzip, within 300\.0 KB/);
  });

  it('fails above the bound, naming the size', () => {
    // Random bytes do not compress: the gzip size stays over the bound.
    const dist = fakeDist(randomBytes(MAIN_CHUNK_LIMIT + 4_096));
    const r = spawnSync(process.execPath, [script, dist], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/main chunk is 30\d\.\d KB gzip, over its bound of 300\.0 KB/);
  });
});
