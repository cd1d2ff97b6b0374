/**
 * What the lint rules cannot see, checked over the static import graph (value imports; `import type` and
 * dynamic `import()` are not followed): the page's own bundle and the session layer reach no tfjs, src/ never
 * reaches bench/, and no product file is over 300 lines.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const SRC = path.join(ROOT, 'src');

/** Static value imports and re-exports of a file (specifiers as written). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  const re = /^\s*(import|export)\s+(?!type\b)(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;
  for (const m of text.matchAll(re)) {
    // `export { x }` without `from` has no specifier; `export type {…} from` is excluded by the lookahead.
    if (/^\s*export\s*\{[^}]*\}\s*;?$/m.test(m[0])) continue;
    out.push(m[2]);
  }
  return out;
}

/** Every file reachable from `entries`, and every package specifier reached, with one path to it. */
function reach(entries: string[]): { files: Set<string>; packages: Map<string, string[]> } {
  const files = new Set<string>();
  const packages = new Map<string, string[]>();
  const visit = (file: string, trail: string[]) => {
    if (files.has(file)) return;
    files.add(file);
    for (const spec of importsOf(file)) {
      if (!spec.startsWith('.')) {
        if (!packages.has(spec)) packages.set(spec, [...trail, path.relative(ROOT, file)]);
        continue;
      }
      const target = path.resolve(path.dirname(file), spec.replace(/\?.*$/, ''));
      if (existsSync(target) && /\.(ts|tsx)$/.test(target)) visit(target, [...trail, path.relative(ROOT, file)]);
    }
  };
  for (const e of entries) visit(e, []);
  return { files, packages };
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return /\.(ts|tsx)$/.test(name) ? [p] : [];
  });
}

const isTestFile = (f: string) => /(\.test\.tsx?|\/testing\.tsx?|\/testing\/[^/]+|\/test_[^/]+|\/fuzz_[^/]+)$/.test(f);
const tfjs = (packages: Map<string, string[]>) => [...packages].filter(([spec]) => spec.startsWith('@tensorflow/'));

describe('layers over the import graph', () => {
  it("the page's own bundle (main.tsx, statically) loads no tfjs: that is the worker's", () => {
    const { packages } = reach([path.join(SRC, 'main.tsx')]);
    expect(tfjs(packages)).toEqual([]);
    expect(packages.has('react')).toBe(true); // the walk does follow imports…
    expect(tfjs(reach([path.join(SRC, 'worker', 'training.worker.ts')]).packages)).not.toEqual([]); // …and sees tfjs where it is
  });
  it('the session layer is tfjs-free all the way down', () => {
    const entries = sourceFiles(path.join(SRC, 'session')).filter((f) => !isTestFile(f));
    expect(entries.length).toBeGreaterThan(5);
    expect(tfjs(reach(entries).packages)).toEqual([]);
  });
  it('src/ never reaches bench/ (bench/ drives src/, not the reverse)', () => {
    const entries = sourceFiles(SRC).filter((f) => !isTestFile(f));
    const files = [...reach(entries).files].map((f) => path.relative(ROOT, f));
    expect(files.filter((f) => f.startsWith('bench/'))).toEqual([]);
  });
  it('no product file is over 300 lines', () => {
    const long = sourceFiles(SRC)
      .filter((f) => !isTestFile(f))
      .map((f) => [path.relative(ROOT, f), readFileSync(f, 'utf8').split('\n').length - 1] as const)
      .filter(([, lines]) => lines > 300);
    expect(long).toEqual([]);
  });
});
