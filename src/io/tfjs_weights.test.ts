import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { fromTfjsWeights, toTfjsWeights } from './tfjs_weights.ts';
import type { NamedArray } from '../engine/trainer_types.ts';

const tensors: NamedArray[] = [
  { name: 'embeddings.word_embeddings.weight', dtype: 'F32', shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6]) },
  { name: 'encoder.layer.0.ln_1.bias', dtype: 'F32', shape: [3], data: new Float32Array([0.5, -1.5, 2.25]) },
  { name: 'position_ids', dtype: 'I32', shape: [4], data: new Int32Array([0, 1, 2, 3]) },
];

describe('tfjs weights-manifest export', () => {
  it('lays the arrays out in order with a manifest naming each', () => {
    const { modelJson, weights } = toTfjsWeights(tensors, { hidden_size: 3 });
    expect(weights.byteLength).toBe((6 + 3 + 4) * 4);
    expect(modelJson.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(modelJson.weightsManifest[0].weights.map((w) => [w.name, w.dtype])).toEqual([
      ['embeddings.word_embeddings.weight', 'float32'],
      ['encoder.layer.0.ln_1.bias', 'float32'],
      ['position_ids', 'int32'],
    ]);
    expect(modelJson.userDefinedMetadata.config).toEqual({ hidden_size: 3 });
  });
  it('round-trips through fromTfjsWeights', () => {
    const { modelJson, weights } = toTfjsWeights(tensors, {});
    const back = fromTfjsWeights(modelJson, weights);
    expect(back.map((t) => [t.name, t.dtype, t.shape, Array.from(t.data)])).toEqual(
      tensors.map((t) => [t.name, t.dtype, t.shape, Array.from(t.data)]),
    );
  });
  it('is what tfjs itself decodes (tf.io.decodeWeights)', () => {
    const { modelJson, weights } = toTfjsWeights(tensors, {});
    const buffer = new Uint8Array(weights).buffer; // a fresh ArrayBuffer holding exactly the bytes
    const map = tf.io.decodeWeights(buffer, modelJson.weightsManifest[0].weights);
    expect(Array.from(map['encoder.layer.0.ln_1.bias'].dataSync())).toEqual([0.5, -1.5, 2.25]);
    expect(map['position_ids'].dtype).toBe('int32');
    expect(map['embeddings.word_embeddings.weight'].shape).toEqual([2, 3]);
    Object.values(map).forEach((t) => t.dispose());
  });
  it('refuses data that does not fill its shape', () => {
    expect(() => toTfjsWeights([{ name: 'w', dtype: 'F32', shape: [3], data: new Float32Array(2) }], {})).toThrow(/holds 3 values/);
  });
});
