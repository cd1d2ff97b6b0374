import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { clipByGlobalNorm, createAdamW, globalNorm } from './adamw.ts';

describe('AdamW', () => {
  it('matches a hand-computed first and second step', async () => {
    const w = tf.variable(tf.tensor1d([1, -2]));
    const b = tf.variable(tf.tensor1d([0.5]));
    const params = new Map([['w.weight', w], ['b.bias', b]]);
    const hp = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1 };
    const opt = createAdamW(params, hp, (n) => n.endsWith('.weight'));
    const g = { 'w.weight': tf.tensor1d([0.5, -1]), 'b.bias': tf.tensor1d([2]) };
    opt.apply(g, 0.01);
    // Step 1: m̂ = g, v̂ = g², so the Adam step is sign(g)·(|g|/(|g|+ε)) ≈ ±1; decay λθ on weights only.
    const w1 = [1 - 0.01 * (1 + 0.1 * 1), -2 - 0.01 * (-1 + 0.1 * -2)];
    const b1 = [0.5 - 0.01 * 1];
    expect(Array.from(await w.data())).toEqual(w1.map((x) => expect.closeTo(x, 6)));
    expect(Array.from(await b.data())).toEqual(b1.map((x) => expect.closeTo(x, 6)));
    // Step 2 with the same gradient: m = g(0.9·0.1+0.1)… still m̂ = g, v̂ = g²: the same ±1 step.
    opt.apply(g, 0.01);
    const w2 = [w1[0] - 0.01 * (1 + 0.1 * w1[0]), w1[1] - 0.01 * (-1 + 0.1 * w1[1])];
    expect(Array.from(await w.data())).toEqual(w2.map((x) => expect.closeTo(x, 5)));
    expect(opt.state.step).toBe(2);
    opt.dispose();
    w.dispose();
    b.dispose();
    Object.values(g).forEach((t) => t.dispose());
  });
});

describe('AdamW with a non-finite batch', () => {
  it('leaves weights and moments untouched when told the batch is bad', async () => {
    const w = tf.variable(tf.tensor1d([1, -2]));
    const opt = createAdamW(new Map([['w.weight', w]]), { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1 }, () => true);
    const g = { 'w.weight': tf.tensor1d([Number.NaN, 1]) };
    const bad = tf.scalar(false, 'bool');
    opt.apply(g, 0.01, bad);
    expect(Array.from(await w.data())).toEqual([1, -2]);
    expect(Array.from(await opt.state.m.get('w.weight')!.data())).toEqual([0, 0]);
    const good = tf.scalar(true, 'bool');
    opt.apply({ 'w.weight': tf.tensor1d([1, 1]) }, 0.01, good);
    expect((await w.data())[0]).toBeLessThan(1);
    tf.dispose([w, g['w.weight'], bad, good]);
    opt.dispose();
  });
});

describe('AdamW with a finite batch and ok = true', () => {
  it('takes exactly the ungated step (the gates are the identity)', async () => {
    const run = async (ok?: tf.Scalar) => {
      const w = tf.variable(tf.tensor1d([1, -2, 0.25]));
      const opt = createAdamW(new Map([['w.weight', w]]), { beta1: 0.9, beta2: 0.98, eps: 1e-8, weightDecay: 0.01 }, () => true);
      const g = tf.tensor1d([0.3, -0.7, 1e-3]);
      opt.apply({ 'w.weight': g }, 1e-3, ok);
      opt.apply({ 'w.weight': g }, 1e-3, ok);
      const out = [...(await w.data()), ...(await opt.state.m.get('w.weight')!.data()), ...(await opt.state.v.get('w.weight')!.data())];
      tf.dispose([w, g]);
      opt.dispose();
      return out;
    };
    const ok = tf.scalar(true, 'bool');
    expect(await run(ok)).toEqual(await run());
    ok.dispose();
  });
});

describe('clipByGlobalNorm', () => {
  it('scales gradients to the max norm and reports the norm before clipping', async () => {
    const packed = tf.tidy(() => {
      const { grads, norm } = clipByGlobalNorm({ a: tf.tensor1d([3]), b: tf.tensor1d([4]) }, 1);
      return tf.concat([norm.reshape([1]), grads.a, grads.b]);
    });
    const out = await packed.data();
    packed.dispose();
    expect(out[0]).toBeCloseTo(5);
    expect(out[1]).toBeCloseTo(0.6, 4);
    expect(out[2]).toBeCloseTo(0.8, 4);
  });
  it('leaves small gradients alone', async () => {
    const t = tf.tidy(() => clipByGlobalNorm({ a: tf.tensor1d([0.3, 0.4]) }, 1).grads.a);
    const v = await t.data();
    t.dispose();
    expect(Array.from(v)).toEqual([expect.closeTo(0.3, 5), expect.closeTo(0.4, 5)]);
  });
});

describe('AdamW with the clip folded in (globalNorm → apply scale)', () => {
  it('takes the same step as applying the clipped gradients, and leaks nothing', async () => {
    const run = async (folded: boolean) => {
      const w = tf.variable(tf.tensor1d([1, -2, 0.25]));
      const opt = createAdamW(new Map([['w.weight', w]]), { beta1: 0.9, beta2: 0.98, eps: 1e-8, weightDecay: 0.01 }, () => true);
      const g = { 'w.weight': tf.tensor1d([3, -4, 0]) };
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        if (folded) {
          const { scale } = globalNorm(g, 1);
          opt.apply(g, 1e-2, undefined, scale ?? undefined);
        } else opt.apply(clipByGlobalNorm(g, 1).grads, 1e-2);
      });
      expect(tf.memory().numTensors).toBe(before);
      const out = [...(await w.data()), ...(await opt.state.v.get('w.weight')!.data())];
      tf.dispose([w, g['w.weight']]);
      opt.dispose();
      return out;
    };
    const [a, b] = [await run(true), await run(false)];
    a.forEach((x, i) => expect(x).toBeCloseTo(b[i], 7));
  });
});
