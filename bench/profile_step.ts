/**
 * Where a training step's time goes, kernel by kernel: the bench's cell (bench/grid.ts HEADLINE unless flags say
 * otherwise) on one backend, one profiled step after warm-up, its kernels summed by name and sorted by time.
 *   npx tsx bench/profile_step.ts [--backend wasm] [--teacher topk|dense] [--vocab 8192] [--steps 3]
 * Kernel times come from tf.profile (each kernel timed on its own: wasm kernels run synchronously, so the sum is
 * close to the step's wall time; the difference is JS overhead between kernels, printed as "outside kernels").
 */
import * as tf from '@tensorflow/tfjs';
import { parseArgs } from 'node:util';
import { selectNodeBackend } from '../src/cli/node_runtime.ts';
import { prepareVocabulary } from '../src/engine/data/trim_vocab.ts';
import { installPatches } from '../src/engine/patches/index.ts';
import { wasmThreadsInUse } from '../src/engine/patches/threads.ts';
import { createTrainer } from '../src/engine/trainer.ts';
import { benchSet, type TeacherKind } from './bench_set.ts';
import { HEADLINE, makeCell, type Backend } from './grid.ts';
import { trainerConfig } from './recipe.ts';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    teacher: { type: 'string', default: 'topk' },
    vocab: { type: 'string', default: String(HEADLINE.vocabSize) },
    steps: { type: 'string', default: '3' },
    top: { type: 'string', default: '25' },
    /** Also list, in order, every kernel whose input shapes contain this text (e.g. "8193"). */
    trace: { type: 'string' },
  },
});
installPatches();
const cell = makeCell({ ...HEADLINE, vocabSize: Number(values.vocab) }, values.teacher as TeacherKind, values.backend as Backend);
const choice = await selectNodeBackend(cell.backend);
const raw = benchSet({ vocabSize: cell.vocabSize, seqLen: cell.seqLen, n: 2 * cell.batchSize, teacher: cell.teacher, k: cell.k });
const config = trainerConfig(cell);
const { set } = prepareVocabulary(raw, config, choice.name);
const trainer = await createTrainer(set, config, {}, { backend: choice });
await trainer.step(2);
const steps = Number(values.steps);
const t0 = performance.now();
await trainer.step(steps);
const wallMs = (performance.now() - t0) / steps;
const t1 = performance.now();
const profile = await tf.profile(() => trainer.step(1));
const profiledMs = performance.now() - t1;
const byName = new Map<string, { ms: number; calls: number }>();
let kernelMs = 0;
for (const k of profile.kernels) {
  const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
  const key = `${k.name} [${k.inputShapes.map((s) => (s ? s.join('x') : '?')).join(', ')}]`;
  const e = byName.get(key) ?? { ms: 0, calls: 0 };
  e.ms += ms;
  e.calls += 1;
  byName.set(key, e);
  kernelMs += ms;
}
console.log(`${choice.name}${choice.name === 'wasm' ? ` (threads ${wasmThreadsInUse()})` : ''}: ${wallMs.toFixed(0)} ms/step unprofiled; profiled step ${profiledMs.toFixed(0)} ms, ${profile.kernels.length} kernels, ${kernelMs.toFixed(0)} ms in kernels, ${(profiledMs - kernelMs).toFixed(0)} ms outside kernels`);
if (values.trace) {
  for (const k of profile.kernels) {
    const shapes = k.inputShapes.map((s) => (s ? s.join('x') : '?')).join(', ');
    if (shapes.includes(values.trace)) console.log(`  ${(typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0).toFixed(1).padStart(7)} ms  ${k.name} [${shapes}]`);
  }
}
const rows = [...byName.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, Number(values.top));
for (const [key, e] of rows) console.log(`${e.ms.toFixed(1).padStart(8)} ms ${String(e.calls).padStart(4)}×  ${key}`);
trainer.dispose();
process.exit(0); // threaded wasm's workers would keep Node alive
