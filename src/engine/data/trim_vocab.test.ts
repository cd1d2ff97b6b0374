import { describe, expect, it } from 'vitest';
import { mergeConfig } from '../config/merge.ts';
import { syntheticLargeVocabSet, syntheticSet } from '../testing/synthetic.ts';
import { IGNORE_INDEX } from '../types.ts';
import { applyVocabMap, decideTrim, keptIds, prepareVocabulary, trimSet, trimVocabularyRows } from './trim_vocab.ts';
import { predictionInTeacherVocab, teacherIdsOf } from './vocab_outputs.ts';

const big = () => syntheticLargeVocabSet({ vocabSize: 50_000, used: 300, n: 8, seqLen: 16, k: 4 });

describe('keptIds', () => {
  it('is inputs ∪ labels ∪ teacher top-k ∪ specials, sorted and distinct', () => {
    const set = syntheticSet({ vocabSize: 30, topk: 3, n: 4, seqLen: 5 });
    const kept = Array.from(keptIds(set, [29]));
    const expected = new Set([...set.inputIds, ...(set.labels ?? []).filter((y) => y !== IGNORE_INDEX), ...(set.teacher.kind === 'topk' ? set.teacher.ids : []), set.metadata.padId, 29]);
    expect(kept).toEqual([...expected].sort((a, b) => a - b));
  });
});

describe('keptIds of a dense teacher', () => {
  it('keeps every real position\'s teacher top-1 (label loyalty then equals the full vocabulary\'s)', () => {
    const set = syntheticSet({ vocabSize: 40, n: 3, seqLen: 4 }); // dense [12, 40]
    if (set.teacher.kind !== 'dense') throw new Error('dense expected');
    const logits = set.teacher.logits.slice();
    logits[5 * 40 + 37] = 100; // position 5's top-1: id 37, used nowhere else
    const mask = set.attentionMask.slice();
    logits[6 * 40 + 38] = 100; // position 6 is padding: its top-1 is not kept
    mask[6] = 0;
    const kept = keptIds({ ...set, inputIds: set.inputIds.map((x) => x % 30), labels: undefined, attentionMask: mask, teacher: { ...set.teacher, logits } });
    expect(Array.from(kept)).toContain(37);
    expect(Array.from(kept)).not.toContain(38);
  });
});

describe('trimSet', () => {
  it('renumbers a top-k set in the teacher order and keeps its logsumexp (the tail still counts dropped ids)', () => {
    const set = big();
    const kept = keptIds(set);
    const { set: t, map } = trimSet(set, kept);
    expect(t.vocabSize).toBe(kept.length);
    expect(Array.from(teacherIdsOf(t.inputIds, map))).toEqual(Array.from(set.inputIds));
    expect(t.teacher.kind === 'topk' && Array.from(teacherIdsOf(t.teacher.ids, map))).toEqual(set.teacher.kind === 'topk' && Array.from(set.teacher.ids));
    expect(t.teacher.kind === 'topk' && t.teacher.logsumexp).toBe(set.teacher.kind === 'topk' && set.teacher.logsumexp);
    expect(map.tailId).toBeUndefined();
  });
  it('gives a dense teacher one tail column: log Σ exp over the dropped ids, in float64', () => {
    const set = syntheticSet({ vocabSize: 12, n: 2, seqLen: 3 }); // dense [6, 12]
    const kept = Int32Array.from([0, 2, 5]);
    const { set: t, map } = trimSet({ ...set, inputIds: set.inputIds.map((x) => [0, 2, 5][x % 3]), labels: undefined }, kept);
    expect(t.vocabSize).toBe(4);
    expect(map.tailId).toBe(3);
    if (set.teacher.kind !== 'dense' || t.teacher.kind !== 'dense') throw new Error('dense expected');
    for (let r = 0; r < 6; r++) {
      const row = Array.from(set.teacher.logits.subarray(r * 12, r * 12 + 12));
      const dropped = row.filter((_, v) => ![0, 2, 5].includes(v));
      expect(Array.from(t.teacher.logits.subarray(r * 4, r * 4 + 3))).toEqual([row[0], row[2], row[5]]);
      expect(t.teacher.logits[r * 4 + 3]).toBeCloseTo(Math.log(dropped.reduce((s, z) => s + Math.exp(z), 0)), 5);
    }
  });
});

describe('decideTrim and prepareVocabulary', () => {
  it('auto trims a set that uses few of many ids, and says so with the numbers', () => {
    const set = big();
    const d = decideTrim(set, keptIds(set).length, mergeConfig({ batch_size: 4, max_len: 16 }), 'wasm');
    expect(d.trim).toBe(true);
    expect(d.reason).toMatch(/^vocabulary trimmed \(trim_vocab auto: saves at least 20 %\): the set uses \d+ of 50,000 ids \(0\.\d %\); one step .* with the full vocabulary, .* trimmed \(\d+ % less\)$/);
  });
  it('auto keeps a vocabulary the set nearly fills; true and false are obeyed', () => {
    const set = syntheticSet({ vocabSize: 16, topk: 3, n: 48, seqLen: 8 });
    const cfg = (trim_vocab: 'auto' | boolean) => mergeConfig({ batch_size: 4, max_len: 8, trim_vocab });
    expect(decideTrim(set, keptIds(set).length, cfg('auto'), 'wasm').trim).toBe(false);
    expect(decideTrim(big(), 300, cfg(false), 'wasm').trim).toBe(false);
    expect(decideTrim(set, keptIds(set).length, cfg(true), 'wasm').trim).toBe(true);
  });
  it('applyVocabMap renumbers another set the same way, and names ids the student does not have', () => {
    const set = big();
    const prepared = prepareVocabulary(set, mergeConfig({ batch_size: 4, max_len: 16 }), 'wasm');
    const map = prepared.map;
    if (!map) throw new Error('expected a trim');
    expect(Array.from(applyVocabMap(set, map).inputIds)).toEqual(Array.from(prepared.set.inputIds));
    const other = { ...set, inputIds: set.inputIds.map((x, i) => (i === 0 ? 49_999 : x)) };
    expect(() => applyVocabMap(other, map)).toThrow(/uses 1 id\(s\) the trimmed student does not have \(e\.g\. 49999\)/);
    expect(() => applyVocabMap({ ...set, vocabSize: 60_000 }, map)).toThrow(/trimmed from a 50,000-token vocabulary/);
  });
  it('cuts starting weights to the kept rows (a dense teacher\'s tail row: the mean of the dropped ones)', () => {
    const map = { teacherVocabSize: 4, teacherIds: Int32Array.from([1, 3]), tailId: 2 };
    const [emb, other] = trimVocabularyRows([{ name: 'e', shape: [4, 2], data: Float32Array.from([0, 0, 1, 1, 2, 4, 3, 3]) }, { name: 'w', shape: [2, 2], data: new Float32Array(4) }], map);
    expect(emb.shape).toEqual([3, 2]);
    expect(Array.from(emb.data)).toEqual([1, 1, 3, 3, 1, 2]);
    expect(other.shape).toEqual([2, 2]);
  });
  it('starts a dense teacher\'s dropped-token bias at log Σ exp over the dropped biases (the bucket\'s mass)', () => {
    const map = { teacherVocabSize: 4, teacherIds: Int32Array.from([1, 3]), tailId: 2 };
    const [bias] = trimVocabularyRows([{ name: 'b', shape: [4], data: Float32Array.from([0.5, 1, -2, 7]) }], map);
    expect(bias.data[0]).toBe(1);
    expect(bias.data[1]).toBe(7);
    expect(bias.data[2]).toBeCloseTo(Math.log(Math.exp(0.5) + Math.exp(-2)), 6);
  });
  it('maps predictions back to teacher ids; dense logits get −∞ at dropped ids', () => {
    const map = { teacherVocabSize: 5, teacherIds: Int32Array.from([0, 3]), tailId: 2 };
    const top = predictionInTeacherVocab({ kind: 'topk', ids: Int32Array.from([1, 2]), logits: Float32Array.from([1, 0]), logsumexp: Float32Array.from([2]), shape: [1, 1, 2] }, map);
    expect(top.prediction.kind === 'topk' && Array.from(top.prediction.ids)).toEqual([3, -1]);
    const dense = predictionInTeacherVocab({ kind: 'dense', logits: Float32Array.from([0.5, 1.5, -2]), shape: [1, 1, 3] }, map);
    expect(dense.prediction.shape).toEqual([1, 1, 5]);
    expect(Array.from(dense.prediction.logits)).toEqual([0.5, -Infinity, -Infinity, 1.5, -Infinity]);
    expect(Array.from(dense.droppedLogit ?? [])).toEqual([-2]);
  });
});
