import * as tf from '@tensorflow/tfjs';
import { selectNodeBackend } from '../src/cli/node_runtime.ts';
import { installPatches } from '../src/engine/patches/index.ts';
import { transpose2d } from '../src/engine/ops/transpose_2d.ts';
installPatches();
await selectNodeBackend('wasm');
const P = 2048, D = 128, V = 8193;
function time(name: string, flop: number, f: () => tf.Tensor) {
  for (let i = 0; i < 2; i++) f().dispose();
  const t0 = performance.now(); const n = 5;
  for (let i = 0; i < n; i++) { const r = f(); r.dataSync(); r.dispose(); }
  const ms = (performance.now() - t0) / n;
  console.log(name.padEnd(44), ms.toFixed(1), 'ms', (flop / ms / 1e6).toFixed(1), 'GFLOP/s');
}
const x = tf.randomNormal([P, D]) as tf.Tensor2D, g = tf.randomNormal([P, V]) as tf.Tensor2D;
const xt1 = tf.concat([tf.transpose(x), tf.ones([1, P])], 0) as tf.Tensor2D;
time('now: dsT = T(ds); dw = dsT·x; db = Σ dsT', 2 * P * D * V, () => tf.tidy(() => { const t = transpose2d(g); return tf.concat([tf.matMul(t, x), tf.reshape(tf.sum(t, 1), [-1, 1])], 1); }));
time('new: [xᵀ;1]·ds → [129, V], T', 2 * P * D * V, () => tf.tidy(() => transpose2d(tf.matMul(xt1, g) as tf.Tensor2D)));
time('just [129x2048]x[2048xV]', 2 * P * D * V, () => tf.matMul(xt1, g));
time('just transpose ds', 2 * P * D * V, () => transpose2d(g));
process.exit(0);
