/**
 * Vocabulary trimming as a person meets it through the CLI: a set that uses ~200 of 12,000 ids trains a trimmed
 * student (auto, with the decision and its numbers on stderr); the directory says the trimmed size, carries
 * vocab_map.json and a trimmed tokenizer.json that the real `tokenizers` library loads; `distill predict` writes
 * ids and logits in the teacher's vocabulary; and `distill eval`'s metrics and losses equal those computed here in
 * float64 from those full-vocabulary logits (dropped ids at −∞) and the file's own teacher data.
 */
import { execFile } from 'node:child_process';
import { existsSync, openAsBlob } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { log1mexp } from '../src/engine/losses/teacher_tail.ts';
import { syntheticLargeVocabSet } from '../src/engine/testing/synthetic.ts';
import type { DistillSet } from '../src/engine/types.ts';
import { encodeDistillSet, readSafetensors } from '../src/io/index.ts';
import { VENV_PYTHON } from './helpers/venv.ts';

const run = promisify(execFile);
const BIN = path.resolve('bin/distill.mjs');
const V = 12_000;
let dir = '';
let data = '';
let student = '';
let set: DistillSet;
let trainStderr = '';

/** A WordLevel tokenizer over the whole 12,000-token vocabulary ("t0" … "t11999", id 0 = [PAD]). */
function tokenizerJson(): string {
  const vocab: Record<string, number> = { '[PAD]': 0, '[UNK]': 1 };
  for (let i = 2; i < V; i++) vocab[`t${i}`] = i;
  return JSON.stringify({ version: '1.0', added_tokens: [{ id: 0, content: '[PAD]', special: true, single_word: false, lstrip: false, rstrip: false, normalized: false }, { id: 1, content: '[UNK]', special: true, single_word: false, lstrip: false, rstrip: false, normalized: false }], normalizer: null, pre_tokenizer: { type: 'WhitespaceSplit' }, post_processor: null, decoder: null, model: { type: 'WordLevel', vocab, unk_token: '[UNK]' } });
}

const distill = (...args: string[]) => run(process.execPath, [BIN, ...args], { maxBuffer: 256 * 2 ** 20 });

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'trim-vocab-'));
  data = path.join(dir, 'set.safetensors');
  set = syntheticLargeVocabSet({ vocabSize: V, used: 200, n: 24, seqLen: 10, k: 6, task: 'mlm', seed: 5 });
  set.metadata.tokenizerJson = tokenizerJson();
  await writeFile(data, encodeDistillSet(set));
  const cfg = path.join(dir, 'cfg.json');
  await writeFile(cfg, JSON.stringify({ n_layers: 1, d_model: 16, n_heads: 2, d_ff: 32, max_len: 10, batch_size: 8, eval_every: 0, alpha_hard: 0.5, lr: 3e-3 }));
  student = path.join(dir, 'student');
  trainStderr = (await distill('train', '--data', data, '--config', cfg, '--steps', '15', '--backend', 'wasm', '--out', student)).stderr;
}, 240_000);

/** The float64 metrics and KD over the full vocabulary, from dense predicted logits and the set's top-k teacher. */
function fullVocabReference(logits: Float32Array, temperature: number) {
  if (set.teacher.kind !== 'topk' || !set.teacher.logsumexp) throw new Error('top-k + lse expected');
  const { ids, logits: z, logsumexp, k } = set.teacher;
  const eps = 1e-12;
  const softmax = (xs: number[], t: number) => {
    const m = Math.max(...xs.map((x) => x / t));
    const e = xs.map((x) => Math.exp(x / t - m));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((x) => x / s);
  };
  const buckets = (top: number[], tail: number, t: number) => {
    const p = softmax([...top, tail], t);
    p[k] = Math.max(p[k], eps);
    return p;
  };
  const kl = (p: number[], q: number[]) => p.reduce((s, pi, i) => (pi > 0 ? s + pi * Math.log(pi / q[i]) : s), 0);
  let [n, agree, loyalty, klSum, kdSum] = [0, 0, 0, 0, 0];
  for (let pos = 0; pos < set.n * set.seqLen; pos++) {
    if (!set.attentionMask[pos]) continue; // distill_positions 'all': the non-pad positions
    const row = logits.subarray(pos * V, (pos + 1) * V);
    const teacherIds = Array.from(ids.subarray(pos * k, (pos + 1) * k));
    const zt = Array.from(z.subarray(pos * k, (pos + 1) * k));
    const topLse = Math.log(zt.reduce((s, x) => s + Math.exp(x), 0));
    const gap = topLse - logsumexp[pos];
    const teacherTail = gap < 0 ? logsumexp[pos] + log1mexp(gap) : -1e30;
    let m = -Infinity;
    row.forEach((x, v) => !teacherIds.includes(v) && x > m && (m = x));
    let s = 0;
    row.forEach((x, v) => !teacherIds.includes(v) && (s += Math.exp(x - m)));
    const studentTail = m + Math.log(s);
    const studentTop = teacherIds.map((v) => row[v]);
    const p1 = buckets(zt, teacherTail, 1);
    const q1 = buckets(studentTop, studentTail, 1);
    const mix = p1.map((pi, i) => (pi + q1[i]) / 2);
    const js = (kl(p1, mix) + kl(q1, mix)) / 2;
    let best = 0;
    row.forEach((x, v) => x > row[best] && (best = v));
    n += 1;
    agree += best === teacherIds[zt.indexOf(Math.max(...zt))] ? 1 : 0;
    loyalty += 1 - Math.sqrt(Math.min(Math.max(js / Math.LN2, 0), 1));
    klSum += kl(p1, q1);
    kdSum += temperature ** 2 * kl(buckets(zt, teacherTail, temperature), buckets(studentTop, studentTail, temperature));
  }
  return { label_loyalty: agree / n, prob_loyalty: loyalty / n, kl: klSum / n, kd: kdSum / n };
}

describe('vocabulary trimming through the CLI', () => {
  it('train trims automatically and says why, with the numbers', () => {
    expect(trainStderr).toMatch(/vocabulary trimmed \(trim_vocab auto: saves at least 20 %\): the set uses \d+ of 12,000 ids/);
  });
  it('the directory has the trimmed size, vocab_map.json and a trimmed tokenizer the tokenizers library loads', async () => {
    const config = JSON.parse(await readFile(path.join(student, 'config.json'), 'utf8'));
    const map = JSON.parse(await readFile(path.join(student, 'vocab_map.json'), 'utf8'));
    expect(map).toMatchObject({ format: 'distill-playground-vocab-map', teacher_vocab_size: V, dropped_bucket: null });
    expect(config.vocab_size).toBe(map.teacher_ids.length);
    expect(config.vocab_size).toBeLessThan(260);
    const weights = await readSafetensors(await openAsBlob(path.join(student, 'model.safetensors')));
    expect(weights.tensors.get('distilbert.embeddings.word_embeddings.weight')?.shape).toEqual([config.vocab_size, 16]);
    if (!existsSync(VENV_PYTHON)) throw new Error(`${VENV_PYTHON} is missing: run npm test (its prerequisite step makes the venv)`);
    const word = `t${map.teacher_ids[5]}`;
    const { stdout } = await run(VENV_PYTHON, ['-c', `import tokenizers, json, sys; t = tokenizers.Tokenizer.from_file(sys.argv[1]); print(json.dumps([t.get_vocab_size(), t.encode(sys.argv[2]).ids, t.encode("t3 nope").ids]))`, path.join(student, 'tokenizer.json'), word]);
    const [size, ids, unknown] = JSON.parse(stdout);
    expect(size).toBe(config.vocab_size);
    expect(ids).toEqual([5]); // the teacher's token, at its student id
    expect(unknown.every((id: number) => id === 1)).toBe(true); // dropped and unknown words: [UNK], kept at student id 1
  });
  it("predict gives the teacher's ids; eval's metrics and losses equal the full-vocabulary ones computed from them", async () => {
    const preds = path.join(dir, 'preds.safetensors');
    await distill('predict', '--data', data, '--student', student, '--out', preds, '--backend', 'wasm');
    const file = await readSafetensors(await openAsBlob(preds));
    const logits = file.tensors.get('student_logits');
    expect(logits?.shape).toEqual([set.n, set.seqLen, V]);
    const { stdout } = await distill('eval', '--data', data, '--student', student, '--split', 'all', '--backend', 'wasm');
    const evaluated = JSON.parse(stdout);
    expect(evaluated.vocabulary).toMatchObject({ trimmed: true, teacher_vocab_size: V });
    expect(Object.keys(evaluated.losses)).toEqual(['kd', 'hard']);
    const ref = fullVocabReference(logits?.data as Float32Array, 2);
    console.log(`trimmed eval vs full-vocabulary float64: loyalty ${evaluated.label_loyalty} / ${ref.label_loyalty}, prob ${evaluated.prob_loyalty} / ${ref.prob_loyalty}, kl ${evaluated.kl} / ${ref.kl}, kd ${evaluated.losses.kd} / ${ref.kd}`);
    expect(evaluated.label_loyalty).toBeCloseTo(ref.label_loyalty, 6);
    for (const [got, want] of [[evaluated.prob_loyalty, ref.prob_loyalty], [evaluated.kl, ref.kl], [evaluated.losses.kd, ref.kd]]) {
      expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-5 * Math.abs(want) + 1e-6);
    }
  }, 240_000);
});
