/**
 * Round trip from the Python exporter (tools/export_teacher.py) into the TypeScript readers: Python writes small
 * sets in every container / dtype / task combination plus expected.json (every value as decoded float32), and
 * readDistillSet must give back exactly those values and metadata.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDistillSet } from '../src/io/index.ts';

const PYTHON = '/usr/bin/python3';

interface Case {
  file: string;
  task: 'mlm' | 'clm' | 'classification';
  topk: number | null;
  dtype: 'f32' | 'f16' | 'bf16';
  shapes: Record<string, number[]>;
  tensors: Record<string, number[]>;
  metadata: Record<string, string>;
}

/** Python with torch and numpy, as the exporter needs; without it the suite is skipped (and says so). */
function pythonReady(): boolean {
  if (!existsSync(PYTHON)) return false;
  try {
    execFileSync(PYTHON, ['-c', 'import numpy, torch'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const ready = pythonReady();
if (!ready) console.warn(`exporter round trip skipped: ${PYTHON} with numpy + torch not found`);

describe.skipIf(!ready)('exporter → readDistillSet round trip', () => {
  let dir = '';
  let expected: Record<string, Case> = {};

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'distill-roundtrip-'));
    execFileSync(PYTHON, ['tools/roundtrip_fixtures.py', dir], { stdio: ['ignore', 'ignore', 'inherit'] });
    expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Record<string, Case>;
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const NAMES = ['mlm_topk_f32', 'mlm_topk_f16', 'mlm_dense_bf16', 'mlm_topk_f16_npz', 'clm_dense_f32_npz', 'clm_topk_bf16', 'cls_dense_f16', 'cls_dense_f32_npz', 'mlm_topk_f16_jsonl', 'clm_dense_bf16_jsonl', 'mlm_topk_logprobs_bf16'];

  it('covers every case the fixture script wrote', () => {
    expect(Object.keys(expected).sort()).toEqual([...NAMES].sort());
  });

  it.each(NAMES)('%s: tensors come back value for value', async (name) => {
    const c = expected[name];
    const set = await readDistillSet(new Blob([readFileSync(join(dir, c.file))]), c.file);
    const [n, seqLen] = c.shapes.input_ids;
    expect(set.task).toBe(c.task);
    expect([set.n, set.seqLen]).toEqual([n, seqLen]);
    expect(Array.from(set.inputIds)).toEqual(c.tensors.input_ids);
    expect(Array.from(set.attentionMask)).toEqual(c.tensors.attention_mask);
    if (c.tensors.labels) expect(Array.from(set.labels ?? [])).toEqual(c.tensors.labels);
    else expect(set.labels).toBeUndefined();

    if (c.topk === null) {
      expect(set.teacher.kind).toBe('dense');
      if (set.teacher.kind !== 'dense') return;
      expect(set.teacher.width).toBe(c.shapes.teacher_logits.at(-1));
      expect(Array.from(set.teacher.logits)).toEqual(c.tensors.teacher_logits);
      if (c.task === 'classification') expect(set.numClasses).toBe(c.shapes.teacher_logits[1]);
    } else {
      expect(set.teacher.kind).toBe('topk');
      if (set.teacher.kind !== 'topk') return;
      expect(set.teacher.k).toBe(c.topk);
      expect(Array.from(set.teacher.ids)).toEqual(c.tensors.teacher_topk_ids);
      expect(Array.from(set.teacher.logits)).toEqual(c.tensors.teacher_topk_logits);
      expect(Array.from(set.teacher.logsumexp ?? [])).toEqual(c.tensors.teacher_logsumexp);
    }

    if (c.tensors.teacher_hidden) {
      expect(set.teacherHidden?.size).toBe(c.shapes.teacher_hidden[2]);
      expect(Array.from(set.teacherHidden?.data ?? [])).toEqual(c.tensors.teacher_hidden);
    } else {
      expect(set.teacherHidden).toBeUndefined();
    }
  });

  it.each(NAMES)('%s: metadata comes back parsed', async (name) => {
    const c = expected[name];
    const set = await readDistillSet(new Blob([readFileSync(join(dir, c.file))]), c.file);
    const m = c.metadata;
    expect(set.rawMetadata).toEqual(m);
    expect(set.vocabSize).toBe(Number(m.vocab_size));
    expect(set.metadata.vocab).toEqual(JSON.parse(m.vocab));
    expect(set.metadata.padId).toBe(Number(m.pad_id));
    expect(set.metadata.maskId).toBe(m.mask_id === undefined ? undefined : Number(m.mask_id));
    expect(set.metadata.langs).toEqual(JSON.parse(m.langs));
    expect(set.metadata.split).toEqual(JSON.parse(m.split));
    expect(set.metadata.split?.filter((s) => s === 'eval')).toHaveLength(2); // round(9 × 0.25)
    expect(set.metadata.teacherName).toBe(m.teacher_name);
    expect(set.metadata.teacherParams).toBe(Number(m.teacher_params));
    expect(set.metadata.teacherMsPerExample).toBeCloseTo(Number(m.teacher_ms_per_example), 6);
    expect(set.metadata.formatVersion).toBe('1');
    if (c.task === 'classification') expect(set.metadata.labelNames).toEqual(['neg', 'neu', 'pos']);
  });

  it('top-k log-probabilities come back with logsumexp 0 and a top-k mass of at most 1', async () => {
    const c = expected.mlm_topk_logprobs_bf16;
    const set = await readDistillSet(new Blob([readFileSync(join(dir, c.file))]), c.file);
    if (set.teacher.kind !== 'topk') throw new Error('expected top-k');
    const { logits, logsumexp, k } = set.teacher;
    expect(Array.from(logsumexp ?? []).every((v) => v === 0)).toBe(true);
    for (let pos = 0; pos < logits.length / k; pos++) {
      let mass = 0;
      for (let j = 0; j < k; j++) mass += Math.exp(logits[pos * k + j]);
      expect(mass).toBeLessThanOrEqual(1.01); // bf16 keeps ~3 significant digits
    }
  });

  it('mlm labels are the original ids at masked positions only; clm labels are the next token', async () => {
    const mlm = expected.mlm_topk_f32;
    const labels = mlm.tensors.labels;
    const ids = mlm.tensors.input_ids;
    const masked = labels.map((l, i) => (l === -100 ? -1 : i)).filter((i) => i >= 0);
    expect(masked.length).toBeGreaterThan(0);
    expect(masked.some((i) => ids[i] === 2)).toBe(true); // some became [MASK]

    const clm = expected.clm_dense_f32_npz;
    const [, seqLen] = clm.shapes.input_ids;
    clm.tensors.labels.forEach((l, i) => {
      if (l !== -100) expect(l).toBe(clm.tensors.input_ids[i + 1]);
      if (i % seqLen === seqLen - 1) expect(l).toBe(-100);
    });
  });
});
