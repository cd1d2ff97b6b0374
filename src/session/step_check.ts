/**
 * Does one training step of a config fit the memory of the backend it will run on? The same estimate and
 * budget the trainer checks in the worker before it allocates (engine/memory/step_estimate.ts: checkStepFits,
 * pure and tfjs-free), worked out in the page from the loaded set's summary, so that a configuration that
 * cannot fit is refused next to Train — with the numbers and what to change — before any student is built,
 * and the student card shows the same figures. The worker's own check stays as the backstop (a fallback to
 * another backend after a fault is checked there).
 *
 * The step estimated is the one the run will hold: when the session will trim the vocabulary (trim_vocab, decided
 * as the session decides it at configure: engine/training/session_vocabulary.ts, from the ids the set uses), the
 * trimmed student's; so a 250k-token set that fits only trimmed is let through under `auto`.
 *
 * The page calls this one function (checkRunFits); how the estimate is made is the engine's.
 */
import { BACKEND_ORDER, type ConcreteBackend } from '../engine/backend_order.ts';
import type { DistillConfig } from '../engine/config/config.ts';
import { decideTrim, type TrimDecision } from '../engine/data/trim_vocab.ts';
import { trimBackend } from '../engine/training/session_vocabulary.ts';
import { checkStepFits, estimateStep, trainingBudget, type StepEstimate, type StepShape } from '../engine/memory/step_estimate.ts';
import type { Capabilities, SetSummary } from '../engine/training/session.ts';

export interface StepFit {
  estimate: StepEstimate;
  /** The backend whose budget applies. */
  backend: ConcreteBackend;
  /** Bytes a step may hold there, and the budget in words ("the 3.50 GiB a wasm heap can give"). */
  budget: { bytes: number; what: string };
  /** Why the run is refused (the trainer's own message: numbers and what to change), or null when it fits. */
  refusal: string | null;
  /** The trim_vocab decision the session will take (its reason has the numbers); null for a classifier. */
  vocabulary: TrimDecision | null;
}

/** What the estimate reads of a set, from the data card's summary (the arrays stay in the worker). */
export function stepShapeOf(summary: SetSummary): StepShape {
  return {
    task: summary.task,
    seqLen: summary.seqLen,
    vocabSize: summary.vocabSize,
    numClasses: summary.numClasses,
    teacher: { kind: summary.teacherKind, ...(summary.topk !== undefined ? { k: summary.topk } : {}) },
    ...(summary.hiddenSize !== undefined ? { teacherHidden: { size: summary.hiddenSize } } : {}),
  };
}

/**
 * The backend a run of `preference` lands on in the worker: the one asked for, or for 'auto' the first of the
 * auto order the worker has (backend.ts selectBackend tries them in that order). Before the probe answers,
 * 'auto' is taken as wasm, the smallest budget: a run is never let through on a guess.
 */
export function expectedBackend(preference: DistillConfig['backend'], caps: Capabilities | null): ConcreteBackend {
  if (preference !== 'auto') return preference;
  if (!caps) return 'wasm';
  const has = (b: ConcreteBackend) => (b === 'webgpu' ? caps.webgpu : b === 'webgl' ? caps.webgl : b === 'wasm' ? caps.wasm : true);
  return BACKEND_ORDER.find(has) ?? 'cpu';
}

/**
 * The step estimate of `config` on the loaded set against its backend's budget; null without a set or with
 * a config the student cannot be shaped from (the form, or the trainer, says why).
 */
export function checkRunFits(summary: SetSummary | null, config: Readonly<DistillConfig>, caps: Capabilities | null): StepFit | null {
  if (!summary || config.d_model % config.n_heads !== 0) return null;
  const full = stepShapeOf(summary);
  let estimate: StepEstimate;
  let vocabulary: TrimDecision | null = null;
  let shape = full;
  try {
    if (summary.usedVocabulary !== undefined && summary.task !== 'classification') {
      vocabulary = decideTrim(full, summary.usedVocabulary, config, trimBackend(config.backend));
      if (vocabulary.trim) shape = { ...full, vocabSize: vocabulary.trimmedVocab };
    }
    estimate = estimateStep(shape, config);
  } catch {
    return null;
  }
  const backend = expectedBackend(config.backend, caps);
  const budget = trainingBudget(backend);
  try {
    checkStepFits(shape, config, backend);
    return { estimate, backend, budget, refusal: null, vocabulary };
  } catch (err) {
    return { estimate, backend, budget, refusal: err instanceof Error ? err.message : String(err), vocabulary };
  }
}
