/** The shape of a hostile case (cases.ts) and the builders the case lists share. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SafetensorsEntry } from '../../src/io/index.ts';
import { npyMember, type ZipMemberOut } from './zip_writer.ts';

export interface HostileCase {
  id: string;
  /** The class of failure it stands for (the words where it has them). */
  klass: string;
  kind: 'read' | 'train';
  file: string;
  write: (file: string) => void | Promise<void>;
  /** CLI arguments; `dir` is a scratch directory of the case. */
  args: (file: string, dir: string) => string[];
  env?: Record<string, string>;
  /** Exit 0, or exit 1 with exactly one `error:` line matching `error` (and, when given, not `notError`). */
  expect: { code: 0 } | { code: 1; error: RegExp; notError?: RegExp };
  maxSeconds: number;
  /** Too big or slow for `npm test`: measured by measure.ts only. */
  measureOnly?: boolean;
}

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
export const bytes = (x: ArrayBufferView): Uint8Array => new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
export const inspect = (file: string): string[] => ['inspect', file];
export const train = (extra: Record<string, unknown> = {}) => (file: string, dir: string): string[] => {
  const cfg = path.join(dir, 'cfg.json');
  writeFileSync(cfg, JSON.stringify({ steps: 2, eval_every: 0, batch_size: 2, report_every: 1, ...extra }));
  return ['train', '--data', file, '--config', cfg, '--backend', 'wasm', '--out', path.join(dir, 'out')];
};

/** A tiny valid top-k set as safetensors entries: N = 2, L = 4, K = 2, ids < 8. */
export function topkEntries(n = 2, l = 4): SafetensorsEntry[] {
  const ids = Int32Array.from({ length: n * l }, (_, i) => 1 + (i % 7));
  const topIds = Int32Array.from({ length: n * l * 2 }, (_, i) => (i % 2 === 0 ? 1 : 2));
  const topLogits = Float32Array.from({ length: n * l * 2 }, (_, i) => (i % 2 === 0 ? 2 : 1));
  return [
    { name: 'input_ids', dtype: 'I32', shape: [n, l], data: ids },
    { name: 'teacher_topk_ids', dtype: 'I32', shape: [n, l, 2], data: topIds },
    { name: 'teacher_topk_logits', dtype: 'F32', shape: [n, l, 2], data: topLogits },
    { name: 'teacher_logsumexp', dtype: 'F32', shape: [n, l], data: new Float32Array(n * l).fill(3) },
  ];
}

export const TINY_JSONL_EXAMPLE = '{"input_ids": [1, 2], "teacher_logits": [[0, 1, 2], [2, 1, 0]]}';

/** The valid members of a small npz set (input_ids [2, 3] and a dense teacher [2, 3, 4]). */
export function npzSetMembers(): ZipMemberOut[] {
  return [
    npyMember('input_ids.npy', "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }", bytes(Int32Array.of(1, 2, 3, 1, 2, 3))),
    npyMember('teacher_logits.npy', "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3, 4), }", bytes(new Float32Array(24))),
  ];
}

/** One jsonl line `{"input_ids": [1], "teacher_logits": [[0, 1]], "x": …}` with `x` built from repeated text. */
export function jsonlWithField(head: string, unit: string, count: number, tail: string): string {
  return `{"input_ids": [1], "teacher_logits": [[0, 1]], "x": ${head}${unit.repeat(count)}${tail}}\n`;
}

export const MiB = 2 ** 20;

