/**
 * The chunked objective against the one it replaced (testing_previous.ts: full [P, V] logits, tfjs autodiff):
 * the same values and gradients with respect to the head's features, tied weight and bias, within 1e-5
 * relative, for every teacher kind, divergence and T ∈ {1, 2}, on each backend of the engine suite.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, it } from 'vitest';
import { DEFAULT_CONFIG, type Divergence } from '../config/config.ts';
import { headTensors, linearHead, randomHead, referenceLogits, distinctIds } from '../head/testing.ts';
import { computeLosses, type LossConfig } from './combine.ts';
import type { TeacherBatch } from './teacher.ts';
import { logSumExpRef, topKOfRows, valuesOf } from './testing.ts';
import { previousHard, previousKd, previousMse, type PreviousTeacher } from './testing_previous.ts';

const P = 6;
const V = 37;
const D = 8;
const K = 5;
const HEAD = randomHead(P, V, D, 31);
const TEACHER_ROWS = (() => {
  // scale 2: tails of a few % — where the previous float32 subtraction of log-sum-exps was still exact to 1e-6
  // (below that it was not: the float64 audit, tools/hf_test_losses_audit.py, shows which is right)
  const t = randomHead(P, V, D, 32, 2);
  const out: number[][] = [];
  for (let p = 0; p < P; p++) {
    out.push(Array.from({ length: V }, (_, v) => {
      let s = t.bias[v];
      for (let d = 0; d < D; d++) s += t.features[p * D + d] * t.weight[v * D + d];
      return s;
    }));
  }
  return out;
})();
// the teacher's own top-k ids (sorted by logit), so the buckets mean what they mean in a real file
const IDS = TEACHER_ROWS.map((row) => row.map((z, v) => [z, v]).sort((a, b) => b[0] - a[0]).slice(0, K).map(([, v]) => v));
const LABELS = distinctIds(P, V, 1, 33).map(([v], p) => (p === 2 ? -100 : p === 3 ? IDS[3][1] : v));
const WEIGHTS = [1, 1, 0, 1, 1, 0.5];
const NAMES: Divergence[] = ['kl', 'rkl', 'skew_kl', 'skew_rkl', 'jsd'];

type Kind = 'dense' | 'topk+lse' | 'topk';

function teachers(kind: Kind): { ours: TeacherBatch; previous: PreviousTeacher } {
  if (kind === 'dense') {
    const logits = tf.tensor2d(TEACHER_ROWS);
    return { ours: { kind: 'dense', logits }, previous: { kind: 'dense', logits } };
  }
  const ours = topKOfRows(TEACHER_ROWS, IDS, kind === 'topk+lse');
  const logsumexp = kind === 'topk+lse' ? tf.tensor1d(TEACHER_ROWS.map(logSumExpRef)) : undefined;
  return { ours, previous: { kind: 'topk', ids: ours.ids, logits: ours.logits, logsumexp } };
}

/** max |a − b| / max |b| over one array. */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / Math.max(den, 1e-30);
}

describe('the chunked objective equals the previous full-logits objective', () => {
  for (const kind of ['dense', 'topk+lse', 'topk'] as Kind[]) {
    for (const divergence of NAMES) {
      for (const temperature of [1, 2]) {
        it(`${kind}, ${divergence}, T = ${temperature}: total and d/d(features, weight, bias) within 1e-5`, async () => {
          const config: LossConfig = { ...DEFAULT_CONFIG, divergence, temperature, skew_alpha: 0.2, jsd_beta: 0.3, alpha_kd: 1, alpha_hard: 0.5, alpha_cos: 0, alpha_mse: 0.25 };
          const results = await Promise.all(
            [true, false].map((chunked) =>
              valuesOf(() => {
                const h = headTensors(HEAD);
                const { ours, previous } = teachers(kind);
                const weights = tf.tensor1d(WEIGHTS);
                const labels = tf.tensor1d(LABELS, 'int32');
                const f = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Scalar => {
                  const t = { x: x as tf.Tensor2D, w: w as tf.Tensor2D, b: b as tf.Tensor1D };
                  if (chunked) return computeLosses({ head: linearHead(t), teacher: ours, weights, labels, headOptions: { chunkFloats: P * 8 } }, config).total;
                  const s = referenceLogits(t);
                  return tf.addN([previousKd(s, previous, weights, config), tf.mul(previousHard(s, labels), 0.5), tf.mul(previousMse(s, previous, weights), 0.25)]) as tf.Scalar;
                };
                const { value, grads } = tf.valueAndGrads(f)([h.x, h.w, h.b]);
                return [value, ...grads];
              }),
            ),
          );
          const [ours, previous] = results;
          const names = ['total', 'd features', 'd weight', 'd bias'];
          const errors = names.map((n, i) => [n, relErr(ours[i], previous[i])] as const);
          const worst = errors.filter(([, e]) => !(e <= 1e-5));
          if (worst.length > 0) throw new Error(`relative errors over 1e-5: ${worst.map(([n, e]) => `${n} ${e.toExponential(2)}`).join(', ')}`);
        });
      }
    }
  }
});
