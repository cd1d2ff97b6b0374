import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { COSINE_EPS, createHiddenProjection } from './cosine.ts';
import { expectAllClose, expectNoLeak, GRAD_RTOL, gradCheck, lossTerm, values } from './testing.ts';

/** The cosine term through the registry (the student head is irrelevant to it: a dummy dense one). */
function cosineLoss(s: tf.Tensor2D, t: tf.Tensor2D, tokenWeights: number[], projection?: tf.Tensor | null): tf.Scalar {
  const p = s.shape[0];
  return lossTerm('cos', tf.zeros([p, 2]) as tf.Tensor2D, { kind: 'dense', logits: tf.zeros([p, 2]) as tf.Tensor2D }, { studentHidden: s, teacherHidden: t, tokenWeights, projection });
}

async function cos(s: number[][], t: number[][], weights: number[], projection?: number[][]): Promise<number> {
  const [v] = await values(() => cosineLoss(tf.tensor2d(s), tf.tensor2d(t), weights, projection ? tf.tensor2d(projection) : undefined));
  return v;
}

const HIDDEN = [
  [0.5, -1, 2],
  [1, 1, 0.3],
];

describe('cos: 1 − cos(h_s W, h_t), over non-pad tokens', () => {
  it('is 0 for identical hidden states, 2 for opposite ones, 1 for orthogonal ones', async () => {
    expectAllClose([await cos(HIDDEN, HIDDEN, [1, 1])], [0], 1e-6);
    expectAllClose([await cos(HIDDEN.map((r) => r.map((x) => -x)), HIDDEN, [1, 1])], [2], 1e-6);
    expectAllClose([await cos([[1, 0, 0]], [[0, 3, 0]], [1])], [1], 1e-6);
  });
  it('is scale-invariant and averages over the weighted (non-pad) tokens only', async () => {
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
    const g = await values(() => tf.grad((s: tf.Tensor) => cosineLoss(s as tf.Tensor2D, tf.tensor2d([[1, 2, 3]]), [1]))(tf.zeros([1, 3])));
    expect(g.every(Number.isFinite)).toBe(true);
  });
  it("adds torch's CosineEmbeddingLoss ε to each squared norm: cos = ⟨a, b⟩ / √((‖a‖² + ε)(‖b‖² + ε))", async () => {
    // tiny parallel vectors: ‖a‖² = ‖b‖² = 2e−12, so cos = 2e−12 / (2e−12 + 1e−12) = 2/3, loss 1/3
    expect(COSINE_EPS).toBe(1e-12);
    expectAllClose([await cos([[1e-6, 1e-6]], [[1e-6, 1e-6]], [1])], [1 / 3], 1e-4);
  });
  it('is overflow-safe in the teacher: values near 1e20 or 3e37 give the same loss and a finite gradient; 1e-20 rows count as zero, as in torch', async () => {
    const s = [[0.5, -1, 2], [1, 1, 0.3]];
    const t = [[1, 2, -3], [0.2, -0.1, 4]];
    const expected = await cos(s, t, [1, 1]);
    for (const scale of [1e20, 3e37]) {
      expectAllClose([await cos(s, t.map((r) => r.map((x) => x * scale)), [1, 1])], [expected], 1e-5);
      const g = await values(() => tf.grad((x: tf.Tensor) => cosineLoss(x as tf.Tensor2D, tf.tensor2d(t.map((r) => r.map((v) => v * scale))), [1, 1]))(tf.tensor2d(s)));
      expect(g.every(Number.isFinite)).toBe(true);
    }
    // torch: ‖t‖² = 1e-40 ≪ ε = 1e-12, so cos ≈ ⟨a, t⟩ / (‖a‖·1e-6) ≈ 1e-14: the loss is 1
    expectAllClose([await cos(s, t.map((r) => r.map((x) => x * 1e-20)), [1, 1])], [1], 1e-6);
    expectAllClose([await cos(s, [[0, 0, 0], [0, 0, 0]], [1, 1])], [1], 1e-6); // zero teacher rows: cos 0
  });
  it('refuses mismatched widths without a projection', () => {
    const [s, t] = [tf.zeros([1, 2]) as tf.Tensor2D, tf.zeros([1, 3]) as tf.Tensor2D];
    expect(() => tf.tidy(() => cosineLoss(s, t, [1]))).toThrow(/student width 2, teacher width 3/);
    tf.dispose([s, t]);
  });
  it('passes finite-difference gradient checks in the student states and in the projection', async () => {
    const t = tf.tensor2d([[1, -2, 0.5], [0.3, 0.3, -1]]);
    expect(await gradCheck((s) => cosineLoss(s, t, [1, 1]), [[0.5, 1, -1], [2, -0.5, 0.1]])).toBeLessThan(GRAD_RTOL);
    const s = tf.tensor2d([[0.5, 1], [2, -0.5]]);
    expect(await gradCheck((proj) => cosineLoss(s, t, [1, 1], proj), [[0.4, -0.3, 1], [0.2, 0.8, -0.5]])).toBeLessThan(GRAD_RTOL);
    tf.dispose([t, s]);
  });
  it('leaks no tensor through tf.variableGrads (projection included)', () => {
    const s = tf.variable(tf.tensor2d([[0.5, 1], [2, -0.5]]));
    const proj = createHiddenProjection(2, 3, 7);
    const t = tf.tensor2d([[1, -2, 0.5], [0.3, 0.3, -1]]);
    expectNoLeak(() => tf.variableGrads(() => cosineLoss(s, t, [1, 1], proj)));
    tf.dispose([s, t, ...(proj ? [proj] : [])]);
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
