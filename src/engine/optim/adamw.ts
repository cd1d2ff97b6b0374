import * as tf from '@tensorflow/tfjs';
import { addNChunked } from '../ops/chunked.ts';

export interface AdamWParams {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

/** Optimiser state that a checkpoint must carry: step count and both moments per variable. */
export interface AdamWState {
  step: number;
  m: Map<string, tf.Variable>;
  v: Map<string, tf.Variable>;
}

export interface AdamW {
  readonly state: AdamWState;
  /**
   * One update with learning rate `lr` (JS number: the schedule lives on the CPU) and gradients by name:
   *   m ← β1·m + (1−β1)·g,  v ← β2·v + (1−β2)·g²,  m̂ = m/(1−β1ᵗ),  v̂ = v/(1−β2ᵗ)
   *   θ ← θ − lr·(m̂/(√v̂ + ε) + λ·θ)   (λ only where `decayed(name)`: Loshchilov & Hutter's decoupled decay)
   * `ok` (bool scalar, on the device): false leaves weights and moments exactly as they were; it must be false
   * whenever some gradient is non-finite (the trainer derives it from the loss and the global norm).
   */
  apply(grads: Record<string, tf.Tensor>, lr: number, ok?: tf.Scalar): void;
  dispose(): void;
}

export function createAdamW(
  params: ReadonlyMap<string, tf.Variable>,
  hp: AdamWParams,
  decayed: (name: string) => boolean,
): AdamW {
  const m = new Map<string, tf.Variable>();
  const v = new Map<string, tf.Variable>();
  for (const [name, p] of params) {
    const zeros = tf.zeros(p.shape);
    m.set(name, tf.variable(zeros, false, `${p.name}/adam_m`));
    v.set(name, tf.variable(zeros, false, `${p.name}/adam_v`));
    zeros.dispose(); // the variables hold their own references to the data
  }
  const state: AdamWState = { step: 0, m, v };

  function apply(grads: Record<string, tf.Tensor>, lr: number, ok?: tf.Scalar): void {
    state.step += 1;
    const t = state.step;
    const c1 = 1 / (1 - hp.beta1 ** t);
    const c2 = 1 / (1 - hp.beta2 ** t);
    tf.tidy(() => {
      // With `ok` false every update below is the identity: β = 1, 1 − β = 0, lr = 0 (scalars on the device, no
      // read-back), and g is scrubbed to 0 where non-finite (NaN·0 would still be NaN). Per parameter that is
      // one select of the shape of g, not a where(ok, new, old) per tensor: a scalar condition is broadcast by
      // Tile, 125 ms per 1M values on wasm (three per parameter: 0.4 s a step for an 8k × 128 embedding).
      const gate = (value: number, skip: number): number | tf.Scalar => (ok ? (tf.where(ok, value, skip) as tf.Scalar) : value);
      const [b1, ob1, b2, ob2, step] = [gate(hp.beta1, 1), gate(1 - hp.beta1, 0), gate(hp.beta2, 1), gate(1 - hp.beta2, 0), gate(lr, 0)];
      for (const [name, p] of params) {
        const raw = grads[name];
        if (!raw) continue;
        const g = ok ? tf.where(tf.isFinite(raw), raw, tf.zerosLike(raw)) : raw;
        const mv = m.get(name) as tf.Variable;
        const vv = v.get(name) as tf.Variable;
        const mNew = mv.mul(b1).add(g.mul(ob1));
        const vNew = vv.mul(b2).add(g.square().mul(ob2));
        let update = mNew.mul(c1).div(vNew.mul(c2).sqrt().add(hp.eps));
        if (hp.weightDecay > 0 && decayed(name)) update = update.add(p.mul(hp.weightDecay));
        mv.assign(mNew);
        vv.assign(vNew);
        p.assign(p.sub(update.mul(step)));
      }
    });
  }

  return {
    state,
    apply,
    dispose: () => {
      m.forEach((x) => x.dispose());
      v.forEach((x) => x.dispose());
    },
  };
}

/**
 * Global L2 norm of the gradients, and the gradients scaled by min(1, maxNorm / norm) when maxNorm > 0.
 * Returns tensors (no read-back): the norm is reported asynchronously with the losses.
 */
export function clipByGlobalNorm(
  grads: Record<string, tf.Tensor>,
  maxNorm: number,
): { grads: Record<string, tf.Tensor>; norm: tf.Scalar } {
  const squares = Object.values(grads).map((g) => g.square().sum());
  const norm = addNChunked(squares).sqrt() as tf.Scalar;
  if (maxNorm <= 0) return { grads, norm };
  const scale = tf.minimum(1, tf.div(maxNorm, norm.add(1e-6)));
  const clipped: Record<string, tf.Tensor> = {};
  for (const [name, g] of Object.entries(grads)) clipped[name] = g.mul(scale);
  return { grads: clipped, norm };
}

