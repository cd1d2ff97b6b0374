/**
 * Test-only: the fuzz harness shared by the *_fuzz.test.ts files. One case = one file's bytes; the reader
 * must end in a FormatError with a known code, or in a DistillSet that really satisfies the contract —
 * never another exception (TypeError, RangeError, allocation failure), never a hang.
 * Reproduce a failure with the seed and path fast-check prints: FUZZ_SEED=<seed> FUZZ_PATH=<path> npx vitest run src/io/<file>.
 * FUZZ_RUNS scales the number of cases (1 = the CI default).
 */
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import type { DistillSet } from './distill_set.ts';
import { FORMAT_ERROR_CODES, FormatError, type FormatErrorCode } from './errors.ts';
import { readDistillSet } from './read.ts';
import { blobOf } from './test_helpers.ts';

/** Fixed by default so CI runs are reproducible; FUZZ_SEED=<n> (or "random") picks others. */
export const FUZZ_SEED = process.env.FUZZ_SEED === 'random' ? Date.now() % 2 ** 31 : Number(process.env.FUZZ_SEED ?? 0x5eed);
const RUNS_SCALE = Number(process.env.FUZZ_RUNS ?? 1);

/** Wall-clock bound for one case: files are a few KB, so anything near this is a hang or a quadratic blow-up. */
export const CASE_MS = 2_000;

/** Memory budget for fuzz cases: generous for KB files, small enough that a header-sized allocation is refused. */
export const FUZZ_BUDGET_BYTES = 64 * 1024 * 1024;

const CODES: ReadonlySet<string> = new Set(FORMAT_ERROR_CODES);

/** fast-check parameters: the shared seed, `runs` scaled by FUZZ_RUNS, and the seed printed on failure. */
export function fuzzParams(runs: number): fc.Parameters<unknown> {
  const path = process.env.FUZZ_PATH; // replays one counterexample: FUZZ_SEED=<seed> FUZZ_PATH=<path> from the report
  return { seed: FUZZ_SEED, numRuns: Math.max(1, Math.round(runs * RUNS_SCALE)), ...(path ? { path } : {}) };
}

export type Outcome = { ok: true; set: DistillSet } | { ok: false; code: FormatErrorCode };

/**
 * Reads `bytes` as file `name`; returns the set or the FormatError's code. Anything else — another error
 * class, an unknown code, an invalid set, more than CASE_MS — throws, failing the property.
 */
export async function readOutcome(bytes: Uint8Array | string, name: string, opts: { budget?: number; chunkBytes?: number } = {}): Promise<Outcome> {
  const t0 = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`hang: no answer after ${CASE_MS} ms`)), CASE_MS);
  });
  let outcome: Outcome;
  try {
    const read = readDistillSet(blobOf(bytes), name, { memoryBudgetBytes: opts.budget ?? FUZZ_BUDGET_BYTES, chunkBytes: opts.chunkBytes });
    const set = await Promise.race([read, timeout]);
    checkSet(set);
    outcome = { ok: true, set };
  } catch (err) {
    if (!(err instanceof FormatError && CODES.has(err.code))) {
      const what = err instanceof Error ? `${err.constructor.name}: ${err.message}` : String(err);
      throw new Error(`${name}: not a FormatError: ${what}`, { cause: err });
    }
    outcome = { ok: false, code: err.code };
  } finally {
    clearTimeout(timer);
  }
  const ms = performance.now() - t0;
  if (ms > CASE_MS) throw new Error(`${name}: took ${ms.toFixed(0)} ms (bound ${CASE_MS} ms)`);
  return outcome;
}

/** How a case is read: mostly the fuzz budget, sometimes a tiny one (too_large paths); sometimes again in small chunks. */
export interface ReadSettings {
  budget: number;
  /** When set, the file is read a second time in about this many chunks (Blob.slice calls): the outcome must not change. */
  chunks: number | null;
}

export const readSettings: fc.Arbitrary<ReadSettings> = fc.record({
  budget: fc.oneof({ arbitrary: fc.constant(FUZZ_BUDGET_BYTES), weight: 8 }, { arbitrary: fc.integer({ min: 16, max: 4096 }), weight: 1 }),
  chunks: fc.option(fc.integer({ min: 2, max: 64 }), { freq: 3 }),
});

/** readOutcome, plus (per `settings`) the same read in small chunks, which must end the same way. */
export async function fuzzRead(bytes: Uint8Array | string, name: string, settings: ReadSettings): Promise<Outcome> {
  const outcome = await readOutcome(bytes, name, { budget: settings.budget });
  if (settings.chunks === null) return outcome;
  const chunkBytes = Math.max(1, Math.ceil(bytes.length / settings.chunks));
  const again = await readOutcome(bytes, name, { budget: settings.budget, chunkBytes });
  const same = outcome.ok && again.ok ? isDeepStrictEqual(outcome.set, again.set) : !outcome.ok && !again.ok && outcome.code === again.code;
  if (!same) throw new Error(`${name}: ${describe(outcome)} with the default chunks but ${describe(again)} with ${chunkBytes}-byte chunks`);
  return outcome;
}

function describe(o: Outcome): string {
  return o.ok ? 'a set' : o.code;
}

/** The contract's promises about a DistillSet, checked element by element (a reader must not let a bad file through). */
export function checkSet(set: DistillSet): void {
  const { n, seqLen: l, vocabSize: v, teacher } = set;
  const nl = n * l;
  const fail = (why: string): never => {
    throw new Error(`invalid DistillSet accepted: ${why}`);
  };
  if (!(n >= 1 && l >= 1 && v >= 1)) fail(`n=${n} L=${l} V=${v}`);
  if (set.inputIds.length !== nl || set.attentionMask.length !== nl) fail('input_ids / attention_mask length');
  if (!set.inputIds.every((id) => id >= 0 && id < v)) fail('input id outside [0, V)');
  if (!set.attentionMask.every((m) => m === 0 || m === 1)) fail('mask not 0/1');
  const finite = (x: Float32Array, what: string): void => void (x.every(Number.isFinite) || fail(`${what} not finite`));
  if (teacher.kind === 'dense') {
    const rows = set.task === 'classification' ? n : nl;
    if (teacher.width < 1 || teacher.logits.length !== rows * teacher.width) fail('dense teacher length');
    if (set.task !== 'classification' && teacher.width !== v) fail('dense teacher width ≠ V');
    if (set.task === 'classification' && set.numClasses !== teacher.width) fail('numClasses ≠ C');
    finite(teacher.logits, 'teacher logits');
  } else {
    if (set.task === 'classification') fail('top-k teacher for classification');
    if (teacher.k < 1 || teacher.k > v || teacher.ids.length !== nl * teacher.k || teacher.logits.length !== nl * teacher.k) fail('top-k lengths');
    if (!teacher.ids.every((id) => id >= 0 && id < v)) fail('top-k id outside [0, V)');
    finite(teacher.logits, 'top-k logits');
    if (teacher.logsumexp) {
      if (teacher.logsumexp.length !== nl) fail('logsumexp length');
      finite(teacher.logsumexp, 'logsumexp');
    }
  }
  if (set.labels) {
    const cls = set.task === 'classification';
    const bound = cls ? (set.numClasses ?? 0) : v;
    if (set.labels.length !== (cls ? n : nl)) fail('labels length');
    if (!set.labels.every((y) => (y >= 0 && y < bound) || (!cls && y === -100))) fail('label outside its range');
  }
  if (set.teacherHidden) {
    const h = set.teacherHidden;
    if (h.size < 1 || h.data.length !== nl * h.size) fail('hidden length');
    finite(h.data, 'teacher hidden');
  }
  const m = set.metadata;
  if (m.langs && m.langs.length !== n) fail('langs length');
  if (m.split && (m.split.length !== n || !m.split.every((s) => s === 'train' || s === 'eval'))) fail('split');
  if (m.padId < 0 || m.padId >= v || (m.maskId !== undefined && (m.maskId < 0 || m.maskId >= v))) fail('pad / mask id');
}

/** Byte-level damage applied after encoding: positions are fractions of the length, so shrinking stays meaningful. */
export type ByteMutation =
  | { op: 'truncate'; at: number }
  | { op: 'flip'; at: number; xor: number }
  | { op: 'set'; at: number; value: number }
  | { op: 'insert'; at: number; bytes: number[] }
  | { op: 'delete'; at: number; count: number }
  | { op: 'copy'; from: number; to: number; count: number };

const frac = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

export const byteMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
  fc.record({ op: fc.constant('truncate' as const), at: frac }),
  fc.record({ op: fc.constant('flip' as const), at: frac, xor: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ op: fc.constant('set' as const), at: frac, value: fc.constantFrom(0x00, 0xff, 0x7f, 0x80, 0x22, 0x5b, 0x7b, 0x2c, 0x0a, 0xed) }),
  fc.record({ op: fc.constant('insert' as const), at: frac, bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 8 }) }),
  fc.record({ op: fc.constant('delete' as const), at: frac, count: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ op: fc.constant('copy' as const), from: frac, to: frac, count: fc.integer({ min: 1, max: 32 }) }),
);

export function applyByteMutations(bytes: Uint8Array, muts: readonly ByteMutation[]): Uint8Array {
  let b = bytes;
  for (const m of muts) {
    const pos = (x: number): number => Math.floor(x * b.length);
    if (m.op === 'truncate') b = b.slice(0, pos(m.at));
    else if (b.length === 0) continue;
    else if (m.op === 'flip') (b = b.slice())[pos(m.at)] ^= m.xor;
    else if (m.op === 'set') (b = b.slice())[pos(m.at)] = m.value;
    else if (m.op === 'insert') b = concat(b.subarray(0, pos(m.at)), Uint8Array.from(m.bytes), b.subarray(pos(m.at)));
    else if (m.op === 'delete') b = concat(b.subarray(0, pos(m.at)), b.subarray(pos(m.at) + m.count));
    else {
      const src = b.slice(pos(m.from), pos(m.from) + m.count);
      (b = b.slice()).set(src.subarray(0, Math.max(0, b.length - pos(m.to))), pos(m.to));
    }
  }
  return b;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Tally of outcomes (printed by each fuzz file, so a generator that only ever hits one code is noticed). */
export class OutcomeTally {
  private readonly counts = new Map<string, number>();
  add(o: Outcome): void {
    const key = o.ok ? 'ok' : o.code;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
  get distinct(): number {
    return this.counts.size;
  }
  count(key: string): number {
    return this.counts.get(key) ?? 0;
  }
  toString(): string {
    return [...this.counts].sort((a, b) => b[1] - a[1]).map(([k, c]) => `${k} ${c}`).join(', ');
  }
}
