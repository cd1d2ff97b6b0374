/**
 * The shipped demo set (public/demo/, built by tools/demo/build_demo.py) loads through the same reader as an
 * uploaded file and agrees with its manifest, demo.json.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readDistillSet } from '../src/io/index.ts';

interface Manifest {
  file: string;
  bytes: number;
  task: string;
  n: number;
  seq_len: number;
  topk: number;
  hidden_size: number;
  vocab_size: number;
  n_train: number;
  n_eval: number;
  masked_tokens: number;
  languages: Record<string, number>;
  teacher: { name: string; params: number };
}

const DIR = new URL('../public/demo/', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('demo.json', DIR), 'utf8')) as Manifest;

describe('public/demo distillation set', () => {
  it('reads and matches demo.json', async () => {
    const bytes = readFileSync(new URL(manifest.file, DIR));
    expect(bytes.byteLength).toBe(manifest.bytes);
    const set = await readDistillSet(new Blob([bytes]), manifest.file);
    expect(set.task).toBe('mlm');
    expect([set.n, set.seqLen, set.vocabSize]).toEqual([manifest.n, manifest.seq_len, manifest.vocab_size]);
    expect(set.teacher.kind).toBe('topk');
    if (set.teacher.kind === 'topk') {
      expect(set.teacher.k).toBe(manifest.topk);
      expect(set.teacher.logsumexp).toBeDefined();
    }
    expect(set.teacherHidden?.size).toBe(manifest.hidden_size);
    expect(set.metadata.teacherName).toBe(manifest.teacher.name);
    expect(set.metadata.teacherParams).toBe(manifest.teacher.params);
    expect(set.metadata.vocab).toHaveLength(manifest.vocab_size);
    expect(set.metadata.vocab?.slice(0, 3)).toEqual(['[PAD]', '[UNK]', '[MASK]']);
    expect([set.metadata.padId, set.metadata.maskId]).toEqual([0, 2]);

    const counts: Record<string, number> = {};
    for (const l of set.metadata.langs ?? []) counts[l] = (counts[l] ?? 0) + 1;
    expect(counts).toEqual(manifest.languages);
    expect(set.metadata.split?.filter((s) => s === 'eval')).toHaveLength(manifest.n_eval);
    expect(set.labels?.filter((l) => l !== -100)).toHaveLength(manifest.masked_tokens);
  });

  it('has a teacher that beats always guessing the most common masked token', async () => {
    const set = await readDistillSet(new Blob([readFileSync(new URL(manifest.file, DIR))]), manifest.file);
    if (set.teacher.kind !== 'topk' || !set.labels) throw new Error('expected a top-k mlm set');
    const { ids, logits, k } = set.teacher;
    let labelled = 0;
    let top1 = 0;
    const labelCounts = new Map<number, number>();
    set.labels.forEach((label, pos) => {
      if (label === -100) return;
      labelCounts.set(label, (labelCounts.get(label) ?? 0) + 1);
      let best = pos * k; // the K entries are in no required order: find the largest logit
      for (let j = pos * k + 1; j < (pos + 1) * k; j++) if (logits[j] > logits[best]) best = j;
      labelled += 1;
      if (ids[best] === label) top1 += 1;
    });
    const baseline = Math.max(...labelCounts.values()) / labelled; // e.g. always "▁the" or ","
    expect(top1 / labelled).toBeGreaterThan(2 * baseline);
  });
});
