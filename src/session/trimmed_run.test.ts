/**
 * A trimmed run in the page (the worker's session decides trim_vocab at configure): the decision reaches the run
 * state and the report, the exports carry vocab_map.json as `distill train` writes it, the handoff refuses, and
 * the step check estimates the step the run will really hold.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type DistillConfig } from '../engine/config/config.ts';
import { keptIds } from '../engine/data/trim_vocab.ts';
import { estimateStep } from '../engine/memory/step_estimate.ts';
import { syntheticLargeVocabSet } from '../engine/testing/synthetic.ts';
import { fakeSummary } from '../engine/training/testing.ts';
import { decodeVocabMap, VOCAB_MAP_FILE } from '../io/vocab_map.ts';
import { encodeStudentFiles } from '../io/student_files.ts';
import { reportOf } from '../store/run_record.ts';
import { checkRunFits, stepShapeOf } from './step_check.ts';
import { makeHarness, until } from './testing.ts';

const small = '#n_layers=1&d_model=8&n_heads=2&d_ff=16&max_len=8&steps=6&report_every=3&eval_every=3';
const set = syntheticLargeVocabSet({ vocabSize: 20_000, used: 120, n: 10, seqLen: 8, k: 4 });

async function trainedRun(hash: string) {
  const h = makeHarness({
    set,
    hash,
    tweak: (deps) => {
      deps.trimVocabulary = true; // as the page's worker (worker/browser_session.ts)
      deps.encodeStudentFiles = encodeStudentFiles; // io's writer: the files the page stores and downloads
    },
  });
  await h.session.init();
  await h.session.loadFile(new Blob(['x']), 'scattered.safetensors');
  await h.session.train();
  await until(() => h.store.getState().run.saved);
  return h;
}

const sources = { trainPy: '# train.py', lossesPy: '# distill_losses.py' };

describe('a trimmed run in the page', () => {
  it('auto: the decision (with its numbers) is the run’s and its report’s; the exports carry vocab_map.json; the handoff refuses', async () => {
    const h = await trainedRun(small);
    const s = h.store.getState();
    expect(s.data.summary?.usedVocabulary).toBe(keptIds(set).length);
    expect(s.run.vocabulary).toMatchObject({ trim: true, mode: 'auto', teacherVocab: 20_000 });
    expect(s.run.config?.trim_vocab).toBe(true);
    const run = s.runs.list[0];
    expect(reportOf(run).vocabulary).toMatchObject({ trim: true, reason: expect.stringMatching(/^vocabulary trimmed \(trim_vocab auto/) });

    const weights = await (await h.db).getWeights(run.id);
    const map = weights?.extra?.find((f) => f.name === VOCAB_MAP_FILE);
    expect(map && Array.from(decodeVocabMap(new TextDecoder().decode(map.bytes)).teacherIds)).toEqual(Array.from(keptIds(set)));
    const [zip] = await h.session.runFiles(run.id, 'directory');
    const bytes = new Uint8Array(await (zip.data as Blob).arrayBuffer());
    expect(new TextDecoder('latin1').decode(bytes)).toContain(VOCAB_MAP_FILE); // a stored (uncompressed) zip names its entries
    await expect(h.session.handoffFile(run.id, sources)).rejects.toThrow(/trimmed vocabulary .* trim_vocab false to hand off/);
  });

  it('trim_vocab false: nothing trimmed, no vocab_map.json', async () => {
    const h = await trainedRun(`${small}&trim_vocab=false`);
    const s = h.store.getState();
    expect(s.run.vocabulary).toMatchObject({ trim: false, mode: false });
    const weights = await (await h.db).getWeights(s.runs.list[0].id);
    expect(weights?.extra?.some((f) => f.name === VOCAB_MAP_FILE)).toBe(false);
  });
});

describe('the step check of a 250,002-token set', () => {
  const big = { ...fakeSummary(syntheticLargeVocabSet({ vocabSize: 250_002, used: 3000, n: 4, seqLen: 64, k: 8 }), 'xlmr.safetensors', 1), usedVocabulary: 3000 };
  // untrimmed, ~4.2 GiB a step: more than a wasm heap; trimmed to 3,000 ids it fits
  const wide: DistillConfig = { ...DEFAULT_CONFIG, d_model: 512, n_heads: 8, d_ff: 1024, n_layers: 2, batch_size: 16, max_len: 64, backend: 'wasm' };
  it('auto estimates the trimmed step (and is not refused when only trimming makes it fit)', () => {
    const fit = checkRunFits(big, wide, null);
    expect(fit?.vocabulary).toMatchObject({ trim: true, trimmedVocab: 3000 });
    expect(fit?.refusal).toBeNull();
    expect(fit?.estimate).toEqual(estimateStep({ ...stepShapeOf(big), vocabSize: 3000 }, wide));
  });
  it('trim_vocab false estimates the whole vocabulary, and refuses what cannot fit', () => {
    const fit = checkRunFits(big, { ...wide, trim_vocab: false }, null);
    expect(fit?.vocabulary?.trim).toBe(false);
    expect(fit?.estimate).toEqual(estimateStep(stepShapeOf(big), wide));
    expect(fit?.refusal).toMatch(/wasm heap/);
  });
});
