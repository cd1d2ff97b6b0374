/** Hostile sets for `distill train` (see cases.ts). */
import { writeFileSync } from 'node:fs';
import { encodeSafetensors } from '../../src/io/index.ts';
import { topkEntries, train, type HostileCase } from './case_kit.ts';

export const TRAIN_CASES: HostileCase[] = [
  // ---- training ----
  {
    id: 'train-vocab-6m',
    klass: 'training: a 625-byte set declaring a 6M-token vocabulary (died after 45 s and 6 GB)',
    kind: 'train',
    file: 'vocab_6m.safetensors',
    write: (f) => writeFileSync(f, encodeSafetensors(topkEntries(), { task: 'clm', vocab_size: '6000000' })),
    args: train({ trim_vocab: false }),
    expect: { code: 1, error: /one step .*GiB.*6,000,000-token vocabulary.*set trim_vocab to auto or true/, notError: /top-k teacher/ },
    maxSeconds: 30,
  },
  {
    id: 'train-vocab-6m-trimmed',
    klass: 'the same 6M-token declaration under trim_vocab auto: the student keeps the handful of ids the set uses, and trains',
    kind: 'train',
    file: 'vocab_6m_auto.safetensors',
    write: (f) => writeFileSync(f, encodeSafetensors(topkEntries(), { task: 'clm', vocab_size: '6000000' })),
    args: train(),
    expect: { code: 0 },
    maxSeconds: 60,
  },
  {
    id: 'train-vocab-1m',
    klass: 'training: a 1M-token vocabulary (a stray Aborted() line, advice to "use a top-k teacher")',
    kind: 'train',
    file: 'vocab_1m.safetensors',
    write: (f) => writeFileSync(f, encodeSafetensors(topkEntries(), { task: 'clm', vocab_size: '1000000' })),
    args: train({ batch_size: 16, trim_vocab: false }),
    expect: { code: 1, error: /one step needs about .*GiB/, notError: /top-k teacher/ },
    maxSeconds: 30,
  },
  {
    id: 'train-hidden-1e20',
    klass: 'message: finite hidden states near 1e20 overflowed the cosine loss ("non-finite gradient norm")',
    kind: 'train',
    file: 'hidden_1e20.safetensors',
    write: (f) => writeFileSync(f, encodeSafetensors([...topkEntries(), { name: 'teacher_hidden', dtype: 'F32', shape: [2, 4, 8], data: Float32Array.from({ length: 64 }, (_, i) => (i % 3 === 0 ? -1e20 : 1e20)) }], { task: 'clm', vocab_size: '8' })),
    args: train({ alpha_cos: 1 }),
    expect: { code: 0 },
    maxSeconds: 60,
  },
  {
    id: 'train-labelled-none',
    klass: 'wrong acceptance: distill_positions "labelled" on a set whose labels are all -100 (nothing to learn)',
    kind: 'train',
    file: 'no_labels.safetensors',
    write: (f) => writeFileSync(f, encodeSafetensors([...topkEntries(), { name: 'labels', dtype: 'I32', shape: [2, 4], data: new Int32Array(8).fill(-100) }], { task: 'mlm', mask_id: '7', vocab_size: '8' })),
    args: train({ distill_positions: 'labelled' }),
    expect: { code: 1, error: /no labelled position/ },
    maxSeconds: 30,
  },
  {
    id: 'train-control',
    klass: 'control: a tiny valid set trains, within its stated estimate',
    kind: 'train',
    file: 'control.safetensors',
    write: (f) => writeFileSync(f, encodeSafetensors(topkEntries(), { task: 'clm', vocab_size: '8' })),
    args: train(),
    expect: { code: 0 },
    maxSeconds: 60,
  },
  {
    id: 'train-dense-32k-wasm',
    klass: 'training: a dense teacher whose step does not fit the wasm heap',
    kind: 'train',
    file: 'dense_32k.safetensors',
    write: (f) => writeFileSync(f, encodeSafetensors([
      { name: 'input_ids', dtype: 'I32', shape: [2, 128], data: new Int32Array(256).fill(1) },
      { name: 'teacher_logits', dtype: 'F16', shape: [2, 128, 32768], data: new Uint16Array(2 * 128 * 32768) },
    ], { task: 'clm' })),
    // batch 16 fits since the head is chunked (~1.5 GiB); 64 rows of 128 positions do not
    args: train({ batch_size: 64, trim_vocab: false }),
    expect: { code: 1, error: /one step needs about .* more than the 3\.50 GiB a wasm heap can give: / },
    maxSeconds: 30,
  },
  {
    id: 'train-classes-3m',
    klass: 'training: a classification set declaring 3M classes in a tiny file (classifier [D, C])',
    kind: 'train',
    file: 'classes_3m.safetensors',
    write: (f) => writeFileSync(f, encodeSafetensors([
      { name: 'input_ids', dtype: 'I32', shape: [2, 4], data: new Int32Array(8).fill(1) },
      { name: 'teacher_logits', dtype: 'F16', shape: [2, 3_000_000], data: new Uint16Array(6_000_000) },
    ], { task: 'classification', vocab_size: '8' })),
    args: train(),
    expect: { code: 1, error: /one step needs about .*GiB.*lower d_model/, notError: /top-k/ },
    maxSeconds: 30,
  },
];
