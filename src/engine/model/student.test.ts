import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { mergeConfig } from '../config/merge.ts';
import type { Task } from '../types.ts';
import { resolveArchitecture } from './architectures/index.ts';
import type { ArchitectureName } from './architectures/types.ts';
import { fromDiskTensors, toDiskTensors } from './hf_format.ts';
import { parameterDefs, parameterShapes, studentParamCount, studentSpec, type StudentSpec } from './spec.ts';
import { createStudent, decayedNames, type Student } from './student.ts';

const base = mergeConfig({ n_layers: 2, d_model: 16, n_heads: 2, d_ff: 32, max_len: 8, dropout: 0 });
const spec = (task: Task, architecture?: ArchitectureName, numClasses?: number): StudentSpec =>
  studentSpec(base, task, { vocabSize: 11, numClasses, padId: 0 }, architecture);
const created: Student[] = [];
function make(s: StudentSpec, seed = 0): Student {
  const student = createStudent(s, seed);
  created.push(student);
  return student;
}
afterEach(() => created.splice(0).forEach((s) => s.dispose()));

const FAMILIES: [Task, ArchitectureName][] = [
  ['mlm', 'distilbert'],
  ['classification', 'distilbert'],
  ['clm', 'gpt2'],
  ['classification', 'gpt2'],
  ['mlm', 'legacy'],
  ['clm', 'legacy'],
  ['classification', 'legacy'],
];

describe('architecture choice', () => {
  it('auto: mlm and classification → distilbert, clm → gpt2', () => {
    expect(resolveArchitecture('auto', 'mlm')).toBe('distilbert');
    expect(resolveArchitecture('auto', 'classification')).toBe('distilbert');
    expect(resolveArchitecture('auto', 'clm')).toBe('gpt2');
  });
  it('refuses a family for a task its transformers classes do not cover, in one line', () => {
    expect(() => resolveArchitecture('distilbert', 'clm')).toThrow(/architecture distilbert cannot do clm .*use architecture gpt2/);
    expect(() => resolveArchitecture('gpt2', 'mlm')).toThrow(/architecture gpt2 cannot do mlm .*use architecture distilbert/);
  });
});

describe('parameter counts', () => {
  const [v, d, f, l, n, c] = [11, 16, 32, 8, 2, 3];
  const lin = (i: number, o: number) => i * o + o;
  it('DistilBertForMaskedLM: embeddings + LN, per layer q/k/v/out + 2 LN + FFN, transform + LN + projector bias', () => {
    const perLayer = 4 * lin(d, d) + 2 * (2 * d) + lin(d, f) + lin(f, d);
    expect(studentParamCount(spec('mlm'))).toBe(v * d + l * d + 2 * d + n * perLayer + lin(d, d) + 2 * d + v);
  });
  it('DistilBertForSequenceClassification: pre_classifier + classifier instead of the MLM head', () => {
    const perLayer = 4 * lin(d, d) + 2 * (2 * d) + lin(d, f) + lin(f, d);
    expect(studentParamCount(spec('classification', undefined, c))).toBe(v * d + l * d + 2 * d + n * perLayer + lin(d, d) + lin(d, c));
  });
  it('GPT2LMHeadModel: wte + wpe, per layer 2 LN + c_attn + c_proj + c_fc + c_proj, ln_f (tied head, no bias)', () => {
    const perLayer = 2 * (2 * d) + lin(d, 3 * d) + lin(d, d) + lin(d, f) + lin(f, d);
    expect(studentParamCount(spec('clm'))).toBe(v * d + l * d + n * perLayer + 2 * d);
    expect(studentParamCount(spec('classification', 'gpt2', c))).toBe(v * d + l * d + n * perLayer + 2 * d + d * c);
  });
  it('equals the sum of the created variables for every family', () => {
    for (const [task, arch] of FAMILIES) {
      const s = make(spec(task, arch, task === 'classification' ? c : undefined));
      expect([...s.params.values()].reduce((a, p) => a + p.size, 0)).toBe(s.paramCount);
    }
  });
  it('decays weight matrices only (no bias, LayerNorm or embedding)', () => {
    const decayed = decayedNames(spec('mlm'));
    expect(decayed.has('distilbert.transformer.layer.0.ffn.lin1.weight')).toBe(true);
    expect(decayed.has('distilbert.transformer.layer.0.ffn.lin1.bias')).toBe(false);
    expect(decayed.has('distilbert.transformer.layer.0.sa_layer_norm.weight')).toBe(false);
    expect(decayed.has('distilbert.embeddings.word_embeddings.weight')).toBe(false);
    expect(decayedNames(spec('clm')).has('transformer.h.1.attn.c_attn.weight')).toBe(true);
    expect(decayedNames(spec('clm')).has('transformer.ln_f.weight')).toBe(false);
  });
});

describe('student forward', () => {
  const ids = () => tf.tensor2d([[1, 2, 3, 4, 0, 0], [5, 6, 7, 8, 9, 10]], [2, 6], 'int32');
  const mask = () => tf.tensor2d([[1, 1, 1, 1, 0, 0], [1, 1, 1, 1, 1, 1]]);

  it('gives [B, L, V] logits and [B, L, D] hidden for token tasks, [B, C] for classification', () => {
    for (const [task, arch] of FAMILIES) {
      const s = make(spec(task, arch, task === 'classification' ? 3 : undefined));
      const shapes = tf.tidy(() => {
        const out = s.forward(ids(), mask(), { training: false });
        return [s.logits(ids(), mask()).shape, out.hidden.shape];
      });
      expect(shapes[0]).toEqual(task === 'classification' ? [2, 3] : [2, 6, 11]);
      expect(shapes[1]).toEqual([2, 6, 16]);
    }
  });

  it('ignores the ids at padding positions (key mask)', async () => {
    for (const [task, arch] of FAMILIES.filter(([t]) => t !== 'classification')) {
      const s = make(spec(task, arch));
      const diff = tf.tidy(() => {
        const a = s.logits(ids(), mask()).slice([0, 0, 0], [1, 4, 11]);
        const other = tf.tensor2d([[1, 2, 3, 4, 7, 9], [5, 6, 7, 8, 9, 10]], [2, 6], 'int32');
        const b = s.logits(other, mask()).slice([0, 0, 0], [1, 4, 11]);
        return a.sub(b).abs().max();
      });
      expect((await diff.data())[0]).toBeLessThan(1e-5);
      diff.dispose();
    }
  });

  it('is causal for gpt2: a later token does not change earlier logits; distilbert is bidirectional', async () => {
    const diffsOf = (s: Student) =>
      tf.tidy(() => {
        const ones = tf.ones([1, 6]) as tf.Tensor2D;
        const full = tf.tensor2d([[1, 2, 3, 4, 5, 6]], [1, 6], 'int32');
        const changed = tf.tensor2d([[1, 2, 3, 9, 9, 9]], [1, 6], 'int32');
        const a = s.logits(full, ones).slice([0, 0, 0], [1, 3, 11]);
        const b = s.logits(changed, ones).slice([0, 0, 0], [1, 3, 11]);
        return a.sub(b).abs().max();
      });
    const causal = diffsOf(make(spec('clm')));
    const bidirectional = diffsOf(make(spec('mlm')));
    expect((await causal.data())[0]).toBeLessThan(1e-5);
    expect((await bidirectional.data())[0]).toBeGreaterThan(1e-6);
    tf.dispose([causal, bidirectional]);
  });

  it('gpt2 classification reads the last token whose id is not pad_token_id', async () => {
    const s = make(spec('classification', 'gpt2', 3));
    const d = tf.tidy(() => {
      const a = s.logits(tf.tensor2d([[1, 2, 3, 0, 0, 0]], [1, 6], 'int32'), tf.tensor2d([[1, 1, 1, 0, 0, 0]]));
      // the same tokens with more padding after them: identical logits (positions 0..2 see the same prefix)
      const b = s.logits(tf.tensor2d([[1, 2, 3, 0, 0]], [1, 5], 'int32'), tf.tensor2d([[1, 1, 1, 0, 0]]));
      // a different last token: other logits
      const c = s.logits(tf.tensor2d([[1, 2, 4, 0, 0, 0]], [1, 6], 'int32'), tf.tensor2d([[1, 1, 1, 0, 0, 0]]));
      return tf.stack([a.sub(b).abs().max(), a.sub(c).abs().max()]);
    });
    const [same, other] = await d.data();
    d.dispose();
    expect(same).toBeLessThan(1e-5);
    expect(other).toBeGreaterThan(1e-6);
  });

  it('is reproducible from the seed and differs across seeds', async () => {
    const w = async (seed: number) => Array.from((await make(spec('mlm'), seed).params.get('distilbert.transformer.layer.0.attention.q_lin.weight')!.data()).slice(0, 8));
    expect(await w(3)).toEqual(await w(3));
    expect(await w(3)).not.toEqual(await w(4));
  });

  it('starts distilbert\'s padding row at zero (nn.Embedding padding_idx)', async () => {
    const s = make(studentSpec(base, 'mlm', { vocabSize: 11, padId: 2 }));
    const rows = await s.params.get('distilbert.embeddings.word_embeddings.weight')!.data();
    expect(Array.from(rows.slice(2 * 16, 3 * 16)).every((x) => x === 0)).toBe(true);
    expect(Array.from(rows.slice(0, 16)).some((x) => x !== 0)).toBe(true);
  });

  it('refuses sequences longer than max_len', () => {
    const s = make(spec('mlm'));
    expect(() => tf.tidy(() => void s.forward(tf.zeros([1, 9], 'int32') as tf.Tensor2D, tf.ones([1, 9]) as tf.Tensor2D, { training: false }))).toThrow(/max_len/);
  });

  it('leaves no tensor behind when called inside tf.tidy', () => {
    for (const [task, arch] of FAMILIES) {
      const s = make(spec(task, arch, task === 'classification' ? 3 : undefined));
      const before = tf.memory().numTensors;
      tf.tidy(() => void s.forward(ids(), mask(), { training: true, dropoutSeed: 1 }));
      expect(tf.memory().numTensors).toBe(before);
    }
  });
});

describe('disk layout (model.safetensors)', () => {
  it('transposes nn.Linear weights to [out, in], keeps GPT-2 Conv1D [in, out], and round-trips', async () => {
    for (const [task, arch] of FAMILIES) {
      const s = spec(task, arch, task === 'classification' ? 3 : undefined);
      const engine = parameterDefs(s).map((d) => {
        const size = d.shape.reduce((a, b) => a * b, 1);
        return { name: d.name, dtype: 'F32' as const, shape: d.shape, data: Float32Array.from({ length: size }, (_, i) => i) };
      });
      const disk = toDiskTensors(s, engine);
      const back = fromDiskTensors(s, disk);
      expect(back.map((a) => [a.name, a.shape, Array.from(a.data)])).toEqual(engine.map((a) => [a.name, a.shape, Array.from(a.data)]));
      if (arch === 'distilbert') {
        const lin1 = disk.find((a) => a.name === 'distilbert.transformer.layer.0.ffn.lin1.weight')!;
        expect(lin1.shape).toEqual([32, 16]); // torch nn.Linear(16 → 32).weight is [out, in]
        expect(lin1.data[1]).toBe(32); // disk[0][1] = engine[1][0] = 1·32
      }
      if (arch === 'gpt2') expect(disk.find((a) => a.name === 'transformer.h.0.mlp.c_fc.weight')!.shape).toEqual([16, 32]);
    }
  });

  it('ignores tied names and refuses a missing or misshapen tensor by name', () => {
    const s = spec('mlm');
    const disk = toDiskTensors(s, parameterDefs(s).map((d) => ({ name: d.name, dtype: 'F32' as const, shape: d.shape, data: new Float32Array(d.shape.reduce((a, b) => a * b, 1)) })));
    const tiedCopy = { ...disk[0], name: 'vocab_projector.weight' };
    expect(() => fromDiskTensors(s, [...disk, tiedCopy])).not.toThrow();
    expect(() => fromDiskTensors(s, disk.slice(1))).toThrow(/lack "distilbert.embeddings.word_embeddings.weight"/);
    const bad = disk.map((a) => (a.name.endsWith('q_lin.weight') ? { ...a, shape: [a.shape[0], a.shape[1] / 2], data: a.data.subarray(0, a.data.length / 2) } : a));
    expect(() => fromDiskTensors(s, bad)).toThrow(/q_lin.weight": expected shape \[16,16\]/);
    expect(parameterShapes(s).length).toBe(disk.length);
  });
});
