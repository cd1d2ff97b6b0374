/**
 * "Continue in PyTorch" for a stored run: the handoff directory (io/handoff_files.ts: train.py,
 * distill_losses.py, recipe.json, README.md, student/…) as one .zip. The recipe's parity batches are computed
 * by the training session on the loaded set: the run's own trainer when it is the current run, else a trainer
 * configured from the stored student — which needs the run's data set loaded and no run going.
 */
import type { HandoffRecipe } from '../engine/handoff/recipe.ts';
import { architectureOfConfig } from '../engine/model/hf_format.ts';
import type { NamedArray } from '../engine/trainer_types.ts';
import type { TrainingSession } from '../engine/training/session.ts';
import { asTrained, trimmedHandoffRefusal } from '../engine/training/session_vocabulary.ts';
import { handoffFiles, type HandoffSources } from '../io/handoff_files.ts';
import { readSafetensors } from '../io/safetensors_read.ts';
import { toFloat32 } from '../io/dtype_convert.ts';
import { PROJECTION_FILE, STUDENT_CONFIG, STUDENT_WEIGHTS, type NamedFile } from '../io/student_files.ts';
import { decodeVocabMap, VOCAB_MAP_FILE } from '../io/vocab_map.ts';
import { zipBlob } from '../io/zip_write.ts';
import type { RunRecord } from '../store/run_record.ts';
import type { AppStore } from '../store/store.ts';
import type { StoredWeights } from './run_archive.ts';
import { isActive } from './run_machine.ts';
import { fileStem, type DownloadFile } from './run_files.ts';

export interface HandoffDeps {
  training: Pick<TrainingSession, 'configure' | 'loadStudent' | 'handoffRecipe'>;
  /** The run the training session holds a trainer for (null when none), and whether a run is going. */
  liveRunId: string | null;
  active: boolean;
  /** The loaded data set's file name and example count (null when none). */
  loaded: { file: string; examples: number } | null;
}

async function tensorsOf(bytes: Uint8Array): Promise<NamedArray[]> {
  const file = await readSafetensors(new Blob([new Uint8Array(bytes)]));
  return [...file.tensors].map(([name, t]) => ({ name, dtype: 'F32' as const, shape: [...t.shape], data: toFloat32(t, name) }));
}

export async function handoffDownload(deps: HandoffDeps, run: RunRecord, weights: StoredWeights | null, sources: HandoffSources): Promise<DownloadFile> {
  if (!weights) throw new Error('this run has no stored weights to continue from');
  // a trimmed student (vocab_map.json): train.py reads the set in the teacher's ids (`distill handoff` refuses it too)
  const vocabMap = weights.extra?.find((f) => f.name === VOCAB_MAP_FILE);
  if (vocabMap) throw new Error(trimmedHandoffRefusal(decodeVocabMap(new TextDecoder().decode(vocabMap.bytes))));
  const config = JSON.parse(weights.configJson) as Record<string, unknown>;
  const architecture = architectureOfConfig(config);
  if (architecture === 'legacy') throw new Error('a Distill Playground 0.1 student has no transformers class to continue in: train a new one first');
  let recipe: HandoffRecipe;
  if (deps.liveRunId === run.id && !deps.active) {
    recipe = await deps.training.handoffRecipe({ name: run.name });
  } else {
    if (deps.active) throw new Error('a run is going: wait for it to finish (or stop it) to hand off another run');
    const dataFile = run.dataset?.file;
    if (!deps.loaded || (dataFile && deps.loaded.file !== dataFile) || (run.dataset && deps.loaded.examples !== run.dataset.n)) {
      throw new Error(`load the run's data set (${dataFile ?? 'the file it trained on'}) first: the parity check needs its batches`);
    }
    await deps.training.configure(asTrained(run.config), { architecture });
    const projection = weights.extra?.find((f) => f.name === PROJECTION_FILE);
    await deps.training.loadStudent([...(await tensorsOf(weights.safetensors)), ...(projection ? await tensorsOf(projection.bytes) : [])]);
    recipe = await deps.training.handoffRecipe({ name: run.name, stepsDone: Number(config.steps_trained ?? 0) });
  }
  const student: NamedFile[] = [
    { name: STUDENT_CONFIG, bytes: new TextEncoder().encode(weights.configJson) },
    { name: STUDENT_WEIGHTS, bytes: weights.safetensors },
    ...(weights.extra ?? []),
  ];
  recipe.optimizer.state = student.some((f) => f.name === 'optimizer.safetensors');
  const dataName = run.dataset?.file ?? 'set.safetensors';
  return { name: `${fileStem(run)}-pytorch.zip`, data: zipBlob(handoffFiles(recipe, student, sources, dataName)), type: 'application/zip' };
}

/** The handoff download of stored run `id`, from the page's store and runs (page_session's verb). */
export async function handoffFor(
  deps: { training: HandoffDeps['training']; store: AppStore; runs: { weights(id: string): Promise<StoredWeights | null> } },
  id: string,
  sources: HandoffSources,
): Promise<DownloadFile> {
  const s = deps.store.getState();
  const run = s.runs.list.find((r) => r.id === id);
  if (!run) throw new Error(`no run ${id}`);
  const dataset = s.data.summary?.dataset;
  const context: HandoffDeps = {
    training: deps.training,
    liveRunId: s.run.runId,
    active: isActive(s.run.status),
    loaded: dataset ? { file: dataset.file, examples: dataset.n } : null,
  };
  return handoffDownload(context, run, await deps.runs.weights(id), sources);
}
