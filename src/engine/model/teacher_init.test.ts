import { describe, expect, it } from 'vitest';
import { mergeConfig } from '../config/merge.ts';
import { planTeacherInit, selectLayers, TeacherInitError } from './teacher_init.ts';

const bertConfig = (layers = 12) => ({
  model_type: 'bert', hidden_size: 64, num_attention_heads: 4, intermediate_size: 128, num_hidden_layers: layers,
  vocab_size: 100, max_position_embeddings: 64, hidden_act: 'gelu', pad_token_id: 0,
});

/** The names BertForMaskedLM saves (transformers 5), for `layers` layers. */
function bertNames(layers = 12): Set<string> {
  const names = ['bert.embeddings.word_embeddings.weight', 'bert.embeddings.position_embeddings.weight', 'bert.embeddings.token_type_embeddings.weight',
    'bert.embeddings.LayerNorm.weight', 'bert.embeddings.LayerNorm.bias', 'cls.predictions.bias', 'cls.predictions.transform.dense.weight',
    'cls.predictions.transform.dense.bias', 'cls.predictions.transform.LayerNorm.weight', 'cls.predictions.transform.LayerNorm.bias'];
  for (let i = 0; i < layers; i++) {
    for (const part of ['attention.self.query', 'attention.self.key', 'attention.self.value', 'attention.output.dense', 'attention.output.LayerNorm', 'intermediate.dense', 'output.dense', 'output.LayerNorm']) {
      names.push(`bert.encoder.layer.${i}.${part}.weight`, `bert.encoder.layer.${i}.${part}.bias`);
    }
  }
  return new Set(names);
}

const set = { task: 'mlm' as const, vocabSize: 100, seqLen: 16 };
const config = mergeConfig({});

describe('selectLayers', () => {
  it('spreads the student over the teacher, first and last included (DistilBERT 12 → 6)', () => {
    expect(selectLayers(12, 6)).toEqual([0, 2, 4, 7, 9, 11]);
    expect(selectLayers(4, 2)).toEqual([0, 3]);
    expect(selectLayers(6, 6)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(selectLayers(5, 1)).toEqual([0]);
  });
  it('refuses a student deeper than its teacher', () => {
    expect(() => selectLayers(2, 3)).toThrow(TeacherInitError);
  });
});

describe('planTeacherInit', () => {
  it('takes the teacher width, heads and d_ff, half its depth rounded up, and reads only those layers', () => {
    const plan = planTeacherInit(bertConfig(), bertNames(), set, config, new Set());
    expect(plan.overrides).toMatchObject({ architecture: 'distilbert', d_model: 64, n_heads: 4, d_ff: 128, n_layers: 6 });
    expect(plan.layers).toEqual([0, 2, 4, 7, 9, 11]);
    const layersRead = new Set(plan.reads.filter((n) => n.includes('encoder.layer.')).map((n) => Number(n.split('.')[3])));
    expect([...layersRead]).toEqual([0, 2, 4, 7, 9, 11]);
    expect(plan.reads).toContain('bert.embeddings.token_type_embeddings.weight');
    expect(plan.reads).toContain('cls.predictions.transform.dense.weight');
    expect(planTeacherInit(bertConfig(7), bertNames(7), set, config, new Set()).overrides.n_layers).toBe(4);
  });

  it('folds token type 0 into the positions, from the teacher\'s first row (RoBERTa: after its padding offset)', () => {
    const d = 64;
    const positions = { shape: [64, d], data: Float32Array.from({ length: 64 * d }, (_, i) => Math.floor(i / d)) };
    const tokenTypes = { shape: [2, d], data: Float32Array.from({ length: 2 * d }, (_, i) => (i < d ? 0.5 : 100)) };
    const plan = planTeacherInit(bertConfig(2), bertNames(2), set, mergeConfig({ max_len: 16 }), new Set(['max_len']));
    const read = new Map(plan.reads.map((n) => [n, { shape: [1], data: new Float32Array(1) }]));
    read.set('bert.embeddings.position_embeddings.weight', positions);
    read.set('bert.embeddings.token_type_embeddings.weight', tokenTypes);
    const built = plan.build(read).find((a) => a.name === 'distilbert.embeddings.position_embeddings.weight')!;
    expect(built.shape).toEqual([16, d]);
    expect(built.data[0]).toBe(0.5);
    expect(built.data[3 * d]).toBe(3.5);
    const roberta = { ...bertConfig(2), model_type: 'roberta', max_position_embeddings: 66, pad_token_id: 1 };
    const names = new Set([...bertNames(2)].map((n) => n.replace(/^bert\./, 'roberta.').replace('cls.predictions.transform.dense', 'lm_head.dense').replace('cls.predictions.transform.LayerNorm', 'lm_head.layer_norm').replace('cls.predictions.bias', 'lm_head.bias')));
    const rplan = planTeacherInit(roberta, names, set, mergeConfig({ max_len: 16 }), new Set(['max_len']));
    const rread = new Map(rplan.reads.map((n) => [n, { shape: [1], data: new Float32Array(1) }]));
    rread.set('roberta.embeddings.position_embeddings.weight', { shape: [66, d], data: Float32Array.from({ length: 66 * d }, (_, i) => Math.floor(i / d)) });
    rread.set('roberta.embeddings.token_type_embeddings.weight', { shape: [1, d], data: new Float32Array(d) });
    const rbuilt = rplan.build(rread).find((a) => a.name === 'distilbert.embeddings.position_embeddings.weight')!;
    expect(rbuilt.data[0]).toBe(2); // student position 0 = teacher position pad_id + 1
    expect(rplan.teacher.maxPositions).toBe(64);
  });

  it('refuses, in one line, what cannot map', () => {
    const refuse = (f: () => unknown, pattern: RegExp) => expect(f).toThrow(pattern);
    refuse(() => planTeacherInit({ ...bertConfig(), vocab_size: 99 }, bertNames(), set, config, new Set()), /teacher's vocabulary \(99 tokens\) differs from the set's \(100\)/);
    refuse(() => planTeacherInit({ ...bertConfig(), model_type: 't5' }, bertNames(), set, config, new Set()), /a t5 teacher cannot initialise a student/);
    refuse(() => planTeacherInit(bertConfig(), bertNames(), set, mergeConfig({ d_model: 128, n_heads: 4 }), new Set(['d_model', 'n_heads'])), /d_model 128 differs from the teacher's width 64/);
    refuse(() => planTeacherInit(bertConfig(), bertNames(), set, mergeConfig({ n_heads: 8 }), new Set(['n_heads'])), /n_heads 8 differs from the teacher's head count 4/);
    refuse(() => planTeacherInit(bertConfig(), bertNames(), { ...set, task: 'clm' }, config, new Set()), /bidirectional: it cannot initialise a clm student/);
    refuse(() => planTeacherInit({ ...bertConfig(), hidden_act: 'relu' }, bertNames(), set, config, new Set()), /activation "relu" has no counterpart/);
    refuse(() => planTeacherInit(bertConfig(), new Set([...bertNames()].filter((n) => !n.includes('layer.4.'))), set, config, new Set()), /lacks encoder.layer.4/);
    refuse(() => planTeacherInit(bertConfig(), bertNames(), set, mergeConfig({ max_len: 128 }), new Set(['max_len'])), /max_len 128 exceeds the teacher's 64 positions/);
  });

  it('keeps a head the teacher lacks at its random init (a bare BertModel)', () => {
    const bare = new Set([...bertNames(2)].filter((n) => !n.startsWith('cls.')).map((n) => n.replace(/^bert\./, '')));
    const plan = planTeacherInit(bertConfig(2), bare, set, config, new Set());
    expect(plan.notCopied).toEqual(expect.arrayContaining(['vocab_transform.weight', 'vocab_projector.bias']));
    expect(plan.reads).toContain('embeddings.word_embeddings.weight');
  });
});
