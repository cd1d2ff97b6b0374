import { describe, expect, it } from 'vitest';
import { summarizeSet } from './summary.ts';
import { tinyClassificationSet, tinyMlmSet } from '../engine/testing/tiny_sets.ts';

describe('summarizeSet', () => {
  it('describes a top-k MLM set with labels, hidden states and languages', () => {
    const set = tinyMlmSet({ n: 6, seqLen: 5, k: 3 });
    const s = summarizeSet(set, 'x.safetensors', 1000);
    expect(s).toMatchObject({
      fileName: 'x.safetensors',
      fileBytes: 1000,
      task: 'mlm',
      examples: 6,
      seqLen: 5,
      teacherKind: 'topk',
      topk: 3,
      hasLogsumexp: true,
      hasLabels: true,
      hiddenSize: 8,
      teacherName: 'tiny-teacher',
      langs: { en: 2, de: 2, fr: 2 },
    });
    expect(s.realTokens).toBe(set.attentionMask.reduce((a, b) => a + b, 0));
    expect(s.labelledPositions).toBe(set.labels!.filter((l) => l !== -100).length);
  });
  it('describes a dense classification set and counts a fixed split', () => {
    const set = tinyClassificationSet({ n: 5 });
    set.metadata.split = ['train', 'train', 'eval', 'train', 'eval'];
    const s = summarizeSet(set, 'c.npz', 10);
    expect(s).toMatchObject({ task: 'classification', numClasses: 3, teacherKind: 'dense', hasLogsumexp: false, evalExamples: 2, labelledPositions: 5 });
    expect(s.topk).toBeUndefined();
    expect(s.langs).toBeUndefined();
  });
});
