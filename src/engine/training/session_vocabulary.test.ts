import { describe, expect, it } from 'vitest';
import { mergeConfig } from '../config/merge.ts';
import { keptIds, type VocabMap } from '../data/trim_vocab.ts';
import { syntheticLargeVocabSet } from '../testing/synthetic.ts';
import { createTrainer } from '../trainer.ts';
import type { TrainerCheckpoint } from '../trainer_types.ts';
import type { DistillConfig } from '../config/config.ts';
import { createLocalSession } from './local_session.ts';
import type { SessionEvent } from './session.ts';
import { asTrained } from './session_vocabulary.ts';
import { fakeDeps } from './testing.ts';

// 300 ids scattered over a 50,000-token vocabulary: `auto` trims (the embedding is most of the student)
const V = 50_000;
const set = syntheticLargeVocabSet({ vocabSize: V, used: 300, n: 12, seqLen: 8, k: 4 });
const kept = keptIds(set);
const base = { steps: 4, batch_size: 4, n_layers: 1, d_model: 8, n_heads: 2, d_ff: 16, max_len: 8, report_every: 2, eval_every: 4, checkpoint_every: 2, backend: 'cpu' };

/** A page-like session (trimVocabulary) over the real trainer; the export records the vocab map it was given. */
function open() {
  const exported: (VocabMap | undefined)[] = [];
  const deps = fakeDeps(set);
  const encode = deps.encodeStudentFiles;
  const session = createLocalSession({
    ...deps,
    trimVocabulary: true,
    createTrainer: (s, c, callbacks, o) => createTrainer(s, c, callbacks, o),
    encodeStudentFiles: (student, paramCount, meta, optimizer, vocabMap) => {
      exported.push(vocabMap);
      return encode(student, paramCount, meta, optimizer);
    },
  });
  const events: SessionEvent[] = [];
  session.subscribe((e) => events.push(e));
  return { session, events, exported };
}

const until = async (cond: () => boolean, ms = 20_000) => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('a page session decides trim_vocab at configure', () => {
  it('auto trims a set with scattered ids: says why with the numbers, trains the trimmed student, answers in teacher ids', async () => {
    const { session, events, exported } = open();
    const loaded = await session.load(new Blob([new Uint8Array(4)]), 'scattered.safetensors');
    expect(loaded.summary.usedVocabulary).toBe(kept.length);
    const configured = await session.configure(mergeConfig(base) as DistillConfig);
    expect(configured.vocabulary).toMatchObject({ trim: true, mode: 'auto', teacherVocab: V, keptIds: kept.length, trimmedVocab: kept.length });
    expect(configured.vocabulary?.reason).toMatch(new RegExp(`^vocabulary trimmed \\(trim_vocab auto: saves at least 20 %\\): the set uses ${kept.length} of 50,000 ids`));
    expect(configured.config.trim_vocab).toBe(true); // resolved: every rebuild holds the same vocabulary

    const used = new Set(kept);
    const [pred] = await session.predictExamples([0], 3);
    expect(pred.topIds.every((id) => used.has(id))).toBe(true);
    expect(Math.max(...pred.topIds)).toBeGreaterThanOrEqual(kept.length); // teacher ids, not the student's 0…|kept|−1
    const view = await session.example(0, 3);
    expect(Array.from(view.student?.topIds ?? [])).toEqual(Array.from(pred.topIds));
    const logits = await session.predictLogits([0], 3);
    expect(logits.kind === 'topk' && Array.from(logits.ids.subarray(0, 3 * 8))).toEqual(Array.from(pred.topIds));

    await session.start();
    await until(() => events.some((e) => e.type === 'done'));
    const files = await session.exportStudent();
    expect(JSON.parse(files.configJson).vocab_size).toBe(kept.length);
    expect(Array.from(exported[0]?.teacherIds ?? [])).toEqual(Array.from(kept));
    await expect(session.handoffRecipe({ name: 'r' })).rejects.toThrow(/trained on a trimmed vocabulary .* train with trim_vocab false to hand off/);

    // a rebuild from the run's frozen config (a resume) holds the same shapes: its checkpoint restores
    const checkpoint = events.flatMap((e) => (e.type === 'checkpoint' ? [e.checkpoint] : [])).at(-1) as TrainerCheckpoint;
    const again = await session.configure(asTrained(configured.config));
    expect(again.paramCount).toBe(configured.paramCount);
    await expect(session.restore(checkpoint)).resolves.toBe(checkpoint.step);
    session.dispose();
  });

  it('trim_vocab false keeps the whole vocabulary (and says so); the export has no map', async () => {
    const { session, exported } = open();
    await session.load(new Blob([new Uint8Array(4)]), 'scattered.safetensors');
    const configured = await session.configure(mergeConfig({ ...base, trim_vocab: false }) as DistillConfig);
    expect(configured.vocabulary).toMatchObject({ trim: false, mode: false, teacherVocab: V });
    expect(configured.vocabulary?.reason).toMatch(/^vocabulary kept whole \(trim_vocab false\)/);
    const files = await session.exportStudent();
    expect(JSON.parse(files.configJson).vocab_size).toBe(V);
    expect(exported).toEqual([undefined]);
    session.dispose();
  });

  it('asTrained: a stored run still saying auto was trained whole (before the session resolved it)', () => {
    expect(asTrained({ trim_vocab: 'auto' as const }).trim_vocab).toBe(false);
    expect(asTrained({ trim_vocab: true }).trim_vocab).toBe(true);
  });
});
