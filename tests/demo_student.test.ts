/**
 * The promise of the project on real data: on the demo set — exported by a real PyTorch teacher
 * (tools/demo/build_demo.py) — a default student distilled for a few hundred steps on wasm clearly beats its
 * own step-0 loyalty on the held-out split (text the teacher never trained on).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { selectNodeBackend } from '../src/cli/node_runtime.ts';
import { mergeConfig } from '../src/engine/config/merge.ts';
import { installPatches } from '../src/engine/patches/index.ts';
import { createTrainer } from '../src/engine/trainer.ts';
import type { EvalRecord } from '../src/engine/trainer_types.ts';
import { readDistillSet } from '../src/io/index.ts';

const DIR = new URL('../public/demo/', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('demo.json', DIR), 'utf8')) as { file: string };

describe('default student on the demo set', () => {
  it('beats its step-0 label and probability loyalty after 200 steps', async () => {
    installPatches();
    await selectNodeBackend('wasm');
    const bytes = readFileSync(new URL(manifest.file, DIR));
    const set = await readDistillSet(new Blob([bytes]), manifest.file);
    const evals: EvalRecord[] = [];
    const trainer = await createTrainer(set, mergeConfig({ steps: 200, eval_every: 0 }), { onEval: (e) => evals.push(e) });
    try {
      const initial = (await trainer.evaluate()).metrics;
      await trainer.start();
      const final = evals[evals.length - 1].metrics;
      expect(final.prob_loyalty).toBeGreaterThan(initial.prob_loyalty + 0.25);
      expect(final.label_loyalty).toBeGreaterThan(initial.label_loyalty + 0.05);
      expect(final.kl).toBeLessThan(initial.kl / 4);
      // Every language of the held-out split improves, not only the average.
      for (const [lang, m] of Object.entries(final.per_lang ?? {})) {
        expect(m.prob_loyalty, lang).toBeGreaterThan(initial.per_lang?.[lang]?.prob_loyalty ?? 1);
      }
    } finally {
      trainer.dispose();
    }
  }, 600_000);
});
