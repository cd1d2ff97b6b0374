/**
 * The benchmark grid: which students, teachers and backends are measured, as plain data. Pure (no tfjs, no
 * Node), so the browser page and the CLI share it.
 *
 * A cell is one student shape × one teacher × one backend. The full grid is d_model 64/128/256 × layers 2/4 ×
 * vocab 8k/32k × length 64/128 × batch 16/32 × teacher dense/top-k, on wasm and on a hardware webgpu; cpu (≈ 30×
 * slower than wasm) and a software webgpu (SwiftShader) take only the smallest student. `--quick` is the
 * headline cell on wasm plus a tiny student (TINY) on each other backend.
 */

import type { DistillConfig } from '../src/engine/config/config.ts';
import { estimateStep, trainingBudget } from '../src/engine/memory/step_estimate.ts';

export type Backend = 'wasm' | 'webgpu' | 'cpu';
export type TeacherKind = 'dense' | 'topk';

export interface Cell {
  dModel: number;
  nLayers: number;
  /** d_model / 32: 32-wide heads, as in the default config (128 → 4). */
  nHeads: number;
  /** 4 · d_model (GPT-2's MLP ratio, the default config's 512 for 128). */
  dFf: number;
  vocabSize: number;
  seqLen: number;
  batchSize: number;
  teacher: TeacherKind;
  /** Top-k width (the exporter's default); unused for a dense teacher. */
  k: number;
  backend: Backend;
  /** trim_vocab for this cell (default 'auto', the CLI's): the 250k cells run it both ways. */
  trimVocab?: 'auto' | boolean;
}

/** The recipe every cell trains with: KD at T = 2 on the teacher plus CE on the next token, dropout 0.1. */
export const RECIPE = Object.freeze({ temperature: 2, alphaKd: 0.5, alphaHard: 0.5, dropout: 0.1 });

export const TOPK = 32;

export function makeCell(shape: { dModel: number; nLayers: number; vocabSize: number; seqLen: number; batchSize: number }, teacher: TeacherKind, backend: Backend): Cell {
  return { ...shape, nHeads: Math.max(1, shape.dModel / 32), dFf: 4 * shape.dModel, teacher, k: TOPK, backend };
}

/** The headline cell of the issue: d_model 128, 2 layers, vocab 8k, length 64, batch 32. */
export const HEADLINE = Object.freeze({ dModel: 128, nLayers: 2, vocabSize: 8192, seqLen: 64, batchSize: 32 });
/** The smallest student of the grid (cpu and the SwiftShader webgpu run only this one). */
export const SMALLEST = Object.freeze({ dModel: 64, nLayers: 2, vocabSize: 8192, seqLen: 64, batchSize: 16 });

/** The vocabulary as the ids and tables say it: 8k for 8192, 250k for 250,002. */
export function vocabLabel(vocabSize: number): string {
  return vocabSize % 1024 === 0 ? `${vocabSize / 1024}k` : `${Math.round(vocabSize / 1000)}k`;
}

/** '-trimmed' / '-full' for a cell that forces trim_vocab; '' under the CLI's auto. */
export function trimLabel(c: Cell): string {
  return c.trimVocab === undefined || c.trimVocab === 'auto' ? '' : c.trimVocab ? '-trimmed' : '-full';
}

export function cellId(c: Cell): string {
  const v = vocabLabel(c.vocabSize);
  const trim = trimLabel(c);
  return `${c.backend}/d${c.dModel}-l${c.nLayers}-v${v}-t${c.seqLen}-b${c.batchSize}-${c.teacher}${trim}`;
}

/**
 * Why a cell is not run, or null: when one step's estimate (engine/memory/step_estimate.ts, the trainer's own
 * refusal) does not fit the backend — wasm's heap, 4 GiB elsewhere.
 */
export function skipReason(c: Cell, config: Readonly<DistillConfig>): string | null {
  const e = estimateStep({ task: 'clm', seqLen: c.seqLen, vocabSize: c.vocabSize, teacher: { kind: c.teacher, k: c.k } }, config);
  const budget = trainingBudget(c.backend);
  if (e.totalBytes > budget.bytes) return `one step needs ${(e.totalBytes / 2 ** 30).toFixed(2)} GiB, more than ${budget.what}`;
  return null;
}

/**
 * The multilingual cells (XLM-R's 250,002 tokens, the target student: d 128, 2 layers, 16 × 64, top-k) on
 * wasm, with the vocabulary trimmed and kept whole; `--large-vocab` adds them.
 */
export const LARGE_VOCAB = Object.freeze({ dModel: 128, nLayers: 2, vocabSize: 250_002, seqLen: 64, batchSize: 16 });

export function largeVocabCells(backend: Backend = 'wasm'): Cell[] {
  return [true, false].map((trimVocab) => ({ ...makeCell(LARGE_VOCAB, 'topk', backend), trimVocab }));
}

function* product(): Generator<{ dModel: number; nLayers: number; vocabSize: number; seqLen: number; batchSize: number }> {
  for (const dModel of [64, 128, 256])
    for (const nLayers of [2, 4])
      for (const vocabSize of [8192, 32768])
        for (const seqLen of [64, 128])
          for (const batchSize of [16, 32]) yield { dModel, nLayers, vocabSize, seqLen, batchSize };
}

/**
 * The full grid on the given backends; those in `smallestOnly` (cpu always, webgpu on a software adapter) get
 * the smallest student only.
 */
export function fullGrid(backends: readonly Backend[], smallestOnly: ReadonlySet<Backend> = new Set(['cpu'])): Cell[] {
  const cells: Cell[] = [];
  for (const backend of backends) {
    const shapes = smallestOnly.has(backend) ? [SMALLEST] : [...product()];
    for (const shape of shapes) for (const teacher of ['topk', 'dense'] as const) cells.push(makeCell(shape, teacher, backend));
  }
  return cells;
}

/** A student below the grid, for `--quick` on the slow backends (cpu, SwiftShader webgpu): seconds, not minutes. */
export const TINY = Object.freeze({ dModel: 64, nLayers: 2, vocabSize: 2048, seqLen: 32, batchSize: 8 });

/** `--quick`: the headline cell (top-k) on wasm, and the tiny student on the other backends. */
export function quickGrid(backends: readonly Backend[]): Cell[] {
  return backends.map((backend) => (backend === 'wasm' ? makeCell(HEADLINE, 'topk', 'wasm') : makeCell(TINY, 'topk', backend)));
}

/** Keeps cells whose id contains every comma-separated term of `filter` (e.g. "wasm,d128,topk"). */
export function filterCells(cells: readonly Cell[], filter: string | undefined): Cell[] {
  if (!filter) return [...cells];
  const terms = filter.split(',').map((t) => t.trim()).filter(Boolean);
  return cells.filter((c) => terms.every((t) => cellId(c).includes(t)));
}
