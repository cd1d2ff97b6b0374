/**
 * The engine's half of the float64 loss audit (tools/hf_test_losses_audit.py runs it): every KD divergence at
 * T ∈ {1, 2, 4} on a dense, a renormalised top-k and a top-k + logsumexp teacher, each shaped three ways
 * (peaked, logits in ±80, a tail far below float32 resolution), through the trainer's own objective on a chunked
 * linear head — the value and its gradients with respect to the head's features, tied weight and bias, on cpu
 * and wasm. Writes one JSON file: the float32 inputs exactly as the engine saw them, the teachers' float64
 * logits before rounding (the truth the file's float32 data approximate), and the engine's outputs.
 *
 *   node --import tsx tests/loss_audit/engine_losses.ts OUT.json
 */
import { writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { nodeWasmPaths } from '../../src/cli/node_runtime.ts';
import { selectBackend } from '../../src/engine/backend.ts';
import { DEFAULT_CONFIG, type Divergence } from '../../src/engine/config/config.ts';
import { installPatches } from '../../src/engine/patches/index.ts';
import { computeLosses, type LossConfig } from '../../src/engine/losses/combine.ts';
import { topKTeacherBatch, type TeacherBatch } from '../../src/engine/losses/teacher.ts';
import { createRng } from '../../src/engine/rng.ts';

const P = 6;
const V = 160;
const D = 8;
const K = 8;
const CHUNK_FLOATS = P * 48; // chunks of 48 columns: 4 chunks, the last one of 16

const rng = createRng(2026);
const normal = () => Math.sqrt(-2 * Math.log(Math.max(rng.next(), 1e-12))) * Math.cos(2 * Math.PI * rng.next());
const f32 = (xs: number[]) => Array.from(Float32Array.from(xs));

/** Teacher logits in float64, [P, V]: the truth before the file rounds it to float32. */
const TEACHERS: Record<string, () => number[][]> = {
  // one id ≈ 12 nats above the others (most mass on it, a few % in the top-k, the rest in the tail)
  peaked: () => Array.from({ length: P }, () => Array.from({ length: V }, (_, v) => (v === 0 ? 12 : 0) + 1.5 * normal())),
  // logits uniform in ±80: the top-k holds essentially everything, tails e^−60 and below
  pm80: () => Array.from({ length: P }, () => Array.from({ length: V }, () => 160 * rng.next() - 80)),
  // a top-k of moderate logits and every other id 40 nats lower: the tail ≈ 150·e^−40 ≈ 6e−16 of the mass,
  // below the float32 resolution of the logsumexp (the file cannot know it)
  tinytail: () => Array.from({ length: P }, () => Array.from({ length: V }, (_, v) => (v < K ? 2 * normal() : -40 + 0.5 * normal()))),
};

const DIVERGENCES: { name: Divergence; skew_alpha: number; jsd_beta: number; label: string }[] = [
  { name: 'kl', skew_alpha: 0.1, jsd_beta: 0.5, label: 'kl' },
  { name: 'rkl', skew_alpha: 0.1, jsd_beta: 0.5, label: 'rkl' },
  { name: 'skew_kl', skew_alpha: 0.1, jsd_beta: 0.5, label: 'skew_kl(0.1)' },
  { name: 'skew_rkl', skew_alpha: 0.1, jsd_beta: 0.5, label: 'skew_rkl(0.1)' },
  { name: 'jsd', skew_alpha: 0.1, jsd_beta: 0.5, label: 'jsd(0.5)' },
  { name: 'jsd', skew_alpha: 0.1, jsd_beta: 0.1, label: 'jsd(0.1)' },
  { name: 'jsd', skew_alpha: 0.1, jsd_beta: 0, label: 'jsd(0)' },
  { name: 'jsd', skew_alpha: 0.1, jsd_beta: 1, label: 'jsd(1)' },
];
const KINDS = ['dense', 'renormalised', 'topk+lse'] as const;

const head = {
  features: f32(Array.from({ length: P * D }, normal)),
  weight: f32(Array.from({ length: V * D }, () => normal() * 0.8)),
  bias: f32(Array.from({ length: V }, () => normal() * 0.5)),
};

interface TeacherData {
  truth: number[][]; // float64 [P, V]
  logits: number[]; // float32 [P, V]
  ids: number[]; // [P, K], the teacher's top-k by its float64 logits
  topk: number[]; // float32 [P, K]
  lse: number[]; // float32 [P]: the float64 logsumexp of the truth, rounded
}

function teacherData(truth: number[][]): TeacherData {
  const ids = truth.flatMap((row) => row.map((z, v) => [z, v]).sort((a, b) => b[0] - a[0]).slice(0, K).map(([, v]) => v));
  const lse = truth.map((row) => {
    const m = Math.max(...row);
    return m + Math.log(row.reduce((s, z) => s + Math.exp(z - m), 0));
  });
  return { truth, logits: f32(truth.flat()), ids, topk: f32(ids.map((v, i) => truth[Math.floor(i / K)][v])), lse: f32(lse) };
}

function teacherBatch(t: TeacherData, kind: (typeof KINDS)[number]): TeacherBatch {
  if (kind === 'dense') return { kind: 'dense', logits: tf.tensor2d(t.logits, [P, V]) };
  return topKTeacherBatch(Int32Array.from(t.ids), Float32Array.from(t.topk), K, kind === 'topk+lse' ? Float32Array.from(t.lse) : undefined);
}

async function engineCase(t: TeacherData, kind: (typeof KINDS)[number], temperature: number, d: (typeof DIVERGENCES)[number]) {
  const config: LossConfig = { ...DEFAULT_CONFIG, alpha_kd: 1, alpha_hard: 0, alpha_cos: 0, alpha_mse: 0, temperature, divergence: d.name, skew_alpha: d.skew_alpha, jsd_beta: d.jsd_beta };
  const outs = tf.tidy(() => {
    const teacher = teacherBatch(t, kind);
    const weights = tf.ones([P]) as tf.Tensor1D;
    const f = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) =>
      computeLosses({ head: { kind: 'linear', features: x as tf.Tensor2D, weight: w as tf.Tensor2D, bias: b as tf.Tensor1D }, teacher, weights, headOptions: { chunkFloats: CHUNK_FLOATS } }, config).total;
    const { value, grads } = tf.valueAndGrads(f)([tf.tensor2d(head.features, [P, D]), tf.tensor2d(head.weight, [V, D]), tf.tensor1d(head.bias)]);
    return [value, ...grads];
  });
  const [value, dx, dw, db] = await Promise.all(outs.map(async (o) => Array.from(await o.data())));
  tf.dispose(outs);
  return { value: value[0], d_features: dx, d_weight: dw, d_bias: db };
}

async function main(): Promise<void> {
  const out = process.argv[2];
  if (!out) throw new Error('usage: engine_losses.ts OUT.json');
  const teachers = Object.fromEntries(Object.entries(TEACHERS).map(([name, make]) => [name, teacherData(make())]));
  const runs: Record<string, unknown[]> = {};
  installPatches(); // the tfjs workarounds, before any backend starts (as the CLI does)
  for (const backend of ['cpu', 'wasm'] as const) {
    await selectBackend(backend, { wasmPaths: nodeWasmPaths() });
    const cases: unknown[] = [];
    for (const [shape, t] of Object.entries(teachers)) {
      for (const kind of KINDS) {
        for (const temperature of [1, 2, 4]) {
          for (const d of DIVERGENCES) {
            cases.push({ teacher: shape, kind, temperature, divergence: d.name, label: d.label, skew_alpha: d.skew_alpha, jsd_beta: d.jsd_beta, engine: await engineCase(t, kind, temperature, d) });
          }
        }
      }
    }
    runs[backend] = cases;
  }
  const json = { p: P, v: V, d: D, k: K, chunk_floats: CHUNK_FLOATS, head, teachers, runs };
  writeFileSync(out, JSON.stringify(json));
}

await main();
