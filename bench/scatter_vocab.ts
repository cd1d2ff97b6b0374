/**
 * A set moved into a larger vocabulary: every id v of [0, V) becomes a distinct id of [0, V') drawn by a seeded
 * permutation (pad stays 0), inputs, labels and top-k ids alike; the teacher's logits and logsumexp are
 * unchanged, so it puts no mass on the new ids. The same data as a 250k-vocabulary teacher would give — the
 * vocabulary-trimming evidence trains on both. Top-k teachers only (a dense one would need [N·L, V']).
 */
import { createRng, shuffleInPlace } from '../src/engine/rng.ts';
import { IGNORE_INDEX, type DistillSet } from '../src/engine/types.ts';

export function scatterVocabulary(set: DistillSet, vocabSize: number, seed = 13): DistillSet {
  if (set.teacher.kind !== 'topk') throw new Error('scatterVocabulary: top-k teachers only');
  if (vocabSize < set.vocabSize) throw new Error(`scatterVocabulary: ${vocabSize} < the set's ${set.vocabSize}`);
  const pad = set.metadata.padId;
  const targets = shuffleInPlace(Array.from({ length: vocabSize - 1 }, (_, i) => i + 1), createRng(seed)).slice(0, set.vocabSize);
  const to = new Int32Array(set.vocabSize);
  for (let v = 0, j = 0; v < set.vocabSize; v++) to[v] = v === pad ? 0 : targets[j++];
  if (pad !== 0) to[0] = targets[set.vocabSize - 1];
  const move = (id: number) => to[id];
  const m = set.metadata;
  const vocab = m.vocab ? new Array<string>(vocabSize).fill('') : undefined;
  if (vocab && m.vocab) m.vocab.forEach((token, v) => (vocab[to[v]] = token));
  return {
    ...set,
    vocabSize,
    inputIds: set.inputIds.map(move),
    labels: set.labels?.map((y) => (y === IGNORE_INDEX ? y : move(y))),
    teacher: { ...set.teacher, ids: set.teacher.ids.map(move) },
    metadata: {
      ...m,
      vocabSize,
      padId: move(pad),
      maskId: m.maskId === undefined ? undefined : move(m.maskId),
      bosId: m.bosId === undefined ? undefined : move(m.bosId),
      eosId: m.eosId === undefined ? undefined : move(m.eosId),
      vocab,
    },
  };
}
