/**
 * A training session's vocabulary (data/trim_vocab.ts) for runs that decide `trim_vocab` inside the session —
 * the page's worker and in-thread sessions (LocalSessionDeps.trimVocabulary). The CLI decides before it
 * calibrates and adopts the set it decided on (cli/commands/train.ts), so its sessions leave the set as given.
 *
 * The session keeps the loaded set in the teacher's ids (what the page shows: tokens, the teacher's top-k) and
 * trains on the trimmed one; everything it hands back about the student is mapped to the teacher's ids
 * (data/vocab_outputs.ts), so the page never sees a student id. Metrics need no map: a trimmed student's equal
 * those over the full vocabulary (trim_vocab.ts).
 */
import type { DistillConfig } from '../config/config.ts';
import { requiredTokenizerIds } from '../data/tokenizer_trim.ts';
import { keptIds, prepareVocabulary, trimVocabularyRows, type PreparedVocabulary, type VocabMap } from '../data/trim_vocab.ts';
import { predictionInTeacherVocab, teacherIdsOf } from '../data/vocab_outputs.ts';
import type { ExamplePrediction, LogitsPrediction, NamedArray } from '../trainer_types.ts';
import type { DistillSet } from '../types.ts';

/**
 * The backend whose budget `auto` weighs (decideTrim's "only the trimmed student fits"): the one asked for, or
 * for `auto` wasm — the smallest budget, decided before the backend is selected so that calibration times the
 * student the run will train (the CLI's rule too). The page's step check uses the same (session/step_check.ts).
 */
export function trimBackend(preference: DistillConfig['backend'] | string): string {
  return preference === 'auto' ? 'wasm' : preference;
}

/** How many ids a trimmed student of this set would keep (keptIds with its tokenizer's required ids); undefined for a classifier. */
export function usedVocabulary(set: DistillSet): number | undefined {
  if (set.task === 'classification') return undefined;
  return keptIds(set, requiredTokenizerIds(set.metadata.tokenizerJson)).length;
}

export interface RunVocabulary {
  prepared: PreparedVocabulary;
  /**
   * The config the trainer gets: trim_vocab resolved to what was decided (auto → true / false), so that every
   * rebuild of the run — a resume after a fault or a reload, a stored run reopened — holds the same vocabulary
   * whatever backend it lands on (the decision is then deterministic from the set and the config).
   */
  config: DistillConfig;
  /** Starting weights cut to the kept rows (trimVocabularyRows), when there are any and the set was trimmed. */
  initialWeights?: NamedArray[];
}

export function prepareRunVocabulary(
  set: DistillSet,
  config: Readonly<DistillConfig>,
  backend: string,
  initialWeights: NamedArray[] | undefined,
): RunVocabulary {
  const prepared = prepareVocabulary(set, config, trimBackend(backend));
  const trim = set.task === 'classification' ? config.trim_vocab : prepared.decision.trim;
  return {
    prepared,
    config: { ...config, trim_vocab: trim },
    initialWeights: initialWeights && prepared.map ? trimVocabularyRows(initialWeights, prepared.map) : initialWeights,
  };
}

/** The student's top-k per position in the teacher's ids (a dense teacher's dropped-token row: −1). */
export function predictionsInTeacherIds(predictions: ExamplePrediction[], map: VocabMap | undefined): ExamplePrediction[] {
  return map ? predictions.map((p) => ({ ...p, topIds: teacherIdsOf(p.topIds, map) })) : predictions;
}

/** Raw logits in the teacher's vocabulary: top-k ids mapped, dense logits spread with −∞ at the dropped ids. */
export function logitsInTeacherIds(prediction: LogitsPrediction, map: VocabMap | undefined): LogitsPrediction {
  return map ? predictionInTeacherVocab(prediction, map).prediction : prediction;
}

/**
 * Why a trimmed run cannot be handed off (`distill handoff` says the same): train.py reads the set in the
 * teacher's ids and builds the student at the set's vocabulary; it does not renumber through vocab_map.json.
 */
export function trimmedHandoffRefusal(map: VocabMap): string {
  return (
    `this student was trained on a trimmed vocabulary (${map.teacherIds.length.toLocaleString('en-US')} of ` +
    `${map.teacherVocabSize.toLocaleString('en-US')} ids, vocab_map.json): the PyTorch handoff reads the set in the teacher's ids ` +
    'and cannot continue it; train with trim_vocab false to hand off'
  );
}

/**
 * A stored run's config as a rebuild of it configures (a resume, a stored run reopened or handed off): trim_vocab
 * as the run was trained. A run frozen before the session resolved trim_vocab still says `auto` and was trained
 * on the full vocabulary; every later one says true or false (prepareRunVocabulary).
 */
export function asTrained<C extends Pick<DistillConfig, 'trim_vocab'>>(config: C): C {
  return config.trim_vocab === 'auto' ? { ...config, trim_vocab: false } : config;
}
