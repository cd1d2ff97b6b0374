/**
 * Evidence for vocabulary trimming (issue 13): the demo set (a 4,000-piece multilingual sentencepiece vocabulary)
 * and the same set with its ids scattered into a 250,002-token vocabulary (bench/scatter_vocab.ts: the
 * size of XLM-R's), trained with trim_vocab auto — which trims it back — at equal steps, seed and config on one
 * backend. Prints one JSON line per run (held-out loyalty, KL, the student's vocabulary, ms per step) and the
 * differences.
 *
 *   npx tsx bench/trim_evidence.ts [--steps 300] [--backend wasm]
 */
import { openAsBlob } from 'node:fs';
import { nodeWasmPaths } from '../src/cli/node_runtime.ts';
import { selectBackend } from '../src/engine/backend.ts';
import { mergeConfig } from '../src/engine/config/merge.ts';
import { installPatches } from '../src/engine/patches/index.ts';
import { prepareVocabulary } from '../src/engine/data/trim_vocab.ts';
import { scatterVocabulary } from './scatter_vocab.ts';
import { createTrainer } from '../src/engine/trainer.ts';
import type { DistillSet } from '../src/engine/types.ts';
import { readDistillSet } from '../src/io/index.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const steps = Number(arg('steps', '300'));
const backend = arg('backend', 'wasm') as 'wasm' | 'cpu';
installPatches(); // the tfjs workarounds, before any backend starts (as the CLI does)
await selectBackend(backend, { wasmPaths: nodeWasmPaths() });
const file = 'public/demo/udhr-brown-mlm.safetensors';
const demo = await readDistillSet(await openAsBlob(file), file);
const config = mergeConfig({ steps, eval_every: 0 });

async function train(name: string, raw: DistillSet) {
  const { set, decision } = prepareVocabulary(raw, config, backend);
  const trainer = await createTrainer(set, config);
  try {
    const t0 = performance.now();
    await trainer.start();
    const ms = (performance.now() - t0) / steps;
    const { metrics } = await trainer.evaluate();
    const out = { run: name, file_vocab: raw.vocabSize, student_vocab: set.vocabSize, trimmed: decision.trim, steps, label_loyalty: metrics.label_loyalty, prob_loyalty: metrics.prob_loyalty, kl: metrics.kl, ms_per_step: ms, params: trainer.paramCount };
    console.log(JSON.stringify(out));
    return out;
  } finally {
    trainer.dispose();
  }
}

const original = await train('original', demo);
const scattered = await train('scattered into 250,002 ids, trim_vocab auto', scatterVocabulary(demo, 250_002));
console.log(JSON.stringify({ difference: { label_loyalty: scattered.label_loyalty - original.label_loyalty, prob_loyalty: scattered.prob_loyalty - original.prob_loyalty, kl: scattered.kl - original.kl } }));
