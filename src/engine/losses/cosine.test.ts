import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { cosineLoss, createHiddenProjection } from './cosine.ts';
import { expectAllClose, expectNoLeak, GRAD_RTOL, gradCheck, values } from './testing.ts';

async function cos(s: number[][], t: number[][], weights: number[], projection?: number[][]): Promise<number> {
  const [v] = await values(() =>
    cosineLoss(tf.tensor2d(s), tf.tensor2d(t), tf.tensor1d(weights), projection ? tf.tensor2d(projection) : undefined),
  );
  return v;
}

const HIDDEN = [
  [0.5, -1, 2],
  [1, 1, 0.3],
];

describe('cosineLoss', () => {
  it('is 0 for identical hidden states, 2 for opposite ones, 1 for orthogonal ones', async () => {
    expectAllClose([await cos(HIDDEN, HIDDEN, [1, 1])], [0], 1e-6);
    expectAllClose([await cos(HIDDEN.map((r) => r.map((x) => -x)), HIDDEN, [1, 1])], [2], 1e-6);
    expectAllClose([await cos([[1, 0, 0]], [[0, 3, 0]], [1])], [1], 1e-6);
  });
  it('is scale-invariant and averages over distilled positions only', async () => {
    // position 0: parallel (0); position 1: opposite (2) but weight 0
    expectAllClose([await cos([[2, 4, 6], [1, 0, 0]], [[1, 2, 3], [-1, 0, 0]], [1, 0])], [0], 1e-6);
    // both: (0 + 2) / 2
    expectAllClose([await cos([[2, 4, 6], [1, 0, 0]], [[1, 2, 3], [-1, 0, 0]], [1, 1])], [1], 1e-6);
  });
  it('projects the student through W [D, H] when the widths differ', async () => {
    // s·W = [1, 2] · [[1, 0, 0], [0, 1, 0]] = [1, 2, 0] ∥ t
    expectAllClose([await cos([[1, 2]], [[2, 4, 0]], [1], [[1, 0, 0], [0, 1, 0]])], [0], 1e-6);
  });
  it('is 1 with a finite gradient for a zero student vector', async () => {
    expectAllClose([await cos([[0, 0, 0]], [[1, 2, 3]], [1])], [1], 1e-6);
    const g = await values(() => tf.grad((s: tf.Tensor) => cosineLoss(s as tf.Tensor2D, tf.tensor2d([[1, 2, 3]]), tf.tensor1d([1])))(tf.zeros([1, 3])));
    expect(g.every(Number.isFinite)).toBe(true);
  });
  it('is scale-safe in the teacher: values near 1e20 or 1e-20 give the same loss and a finite gradient', async () => {
    const s = [[0.5, -1, 2], [1, 1, 0.3]];
    const t = [[1, 2, -3], [0.2, -0.1, 4]];
    const expected = await cos(s, t, [1, 1]);
    for (const scale of [1e20, 3e37, 1e-20]) {
      expectAllClose([await cos(s, t.map((r) => r.map((x) => x * scale)), [1, 1])], [expected], 1e-5);
      const g = await values(() => tf.grad((x: tf.Tensor) => cosineLoss(x as tf.Tensor2D, tf.tensor2d(t.map((r) => r.map((v) => v * scale))), tf.tensor1d([1, 1])))(tf.tensor2d(s)));
      expect(g.every(Number.isFinite)).toBe(true);
    }
    expectAllClose([await cos(s, [[0, 0, 0], [0, 0, 0]], [1, 1])], [1], 1e-6); // zero teacher rows: cos 0
  });
  it('refuses mismatched widths without a projection', () => {
    const [s, t, w] = [tf.zeros([1, 2]) as tf.Tensor2D, tf.zeros([1, 3]) as tf.Tensor2D, tf.ones([1]) as tf.Tensor1D];
    expect(() => cosineLoss(s, t, w)).toThrow(/student width 2, teacher width 3/);
    tf.dispose([s, t, w]);
  });
  it('passes finite-difference gradient checks in the student states and in the projection', async () => {
    const t = tf.tensor2d([[1, -2, 0.5], [0.3, 0.3, -1]]);
    const w = tf.tensor1d([1, 1]);
    expect(await gradCheck((s) => cosineLoss(s, t, w), [[0.5, 1, -1], [2, -0.5, 0.1]])).toBeLessThan(GRAD_RTOL);
    const s = tf.tensor2d([[0.5, 1], [2, -0.5]]);
    expect(await gradCheck((proj) => cosineLoss(s, t, w, proj), [[0.4, -0.3, 1], [0.2, 0.8, -0.5]])).toBeLessThan(GRAD_RTOL);
    tf.dispose([t, w, s]);
  });
  it('leaks no tensor through tf.variableGrads (projection included)', () => {
    const s = tf.variable(tf.tensor2d([[0.5, 1], [2, -0.5]]));
    const proj = createHiddenProjection(2, 3, 7);
    const [t, w] = [tf.tensor2d([[1, -2, 0.5], [0.3, 0.3, -1]]), tf.tensor1d([1, 1])];
    expectNoLeak(() => tf.variableGrads(() => cosineLoss(s, t, w, proj)));
    tf.dispose([s, t, w, ...(proj ? [proj] : [])]);
  });
});

describe('createHiddenProjection', () => {
  it('is null when the widths match', () => {
    expect(createHiddenProjection(4, 4, 0)).toBeNull();
  });
  it('is a trainable [D, H] variable, reproducible from its seed', async () => {
    const [a, b, c] = [createHiddenProjection(3, 5, 1), createHiddenProjection(3, 5, 1), createHiddenProjection(3, 5, 2)];
    if (!a || !b || !c) throw new Error('expected projections');
    expect(a.shape).toEqual([3, 5]);
    expect(a.trainable).toBe(true);
    const [va, vb, vc] = await Promise.all([a.data(), b.data(), c.data()]);
    expect(Array.from(va)).toEqual(Array.from(vb));
    expect(Array.from(va)).not.toEqual(Array.from(vc));
    tf.dispose([a, b, c]);
  });
});
