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
   */
  apply(grads: Record<string, tf.Tensor>, lr: number): void;
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
      for (const [name, p] of params) {
        const g = grads[name];
        if (!g) continue;
        const mv = m.get(name) as tf.Variable;
        const vv = v.get(name) as tf.Variable;
        const keep = <T extends tf.Tensor>(fresh: T, old: T): T => (ok ? (tf.where(ok, fresh, old) as T) : fresh);
        const mNew = mv.mul(hp.beta1).add(g.mul(1 - hp.beta1));
        const vNew = vv.mul(hp.beta2).add(g.square().mul(1 - hp.beta2));
        let update = mNew.mul(c1).div(vNew.mul(c2).sqrt().add(hp.eps));
        if (hp.weightDecay > 0 && decayed(name)) update = update.add(p.mul(hp.weightDecay));
        mv.assign(keep(mNew, mv));
        vv.assign(keep(vNew, vv));
        p.assign(keep(p.sub(update.mul(lr)), p));
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

