/**
 * Teacher weights dropped next to the data ("start the student from the teacher", model/teacher_init.ts):
 * the Hugging Face directory's files are opened here from their headers only (config.json + safetensors
 * headers: nothing large is read on the page's thread), planned against the loaded set and the form, and the
 * form takes the teacher's width, heads, d_ff, architecture and half its depth. At Train the files go to the
 * training session (ConfigureOptions.teacher), which reads just the tensors the plan needs.
 */
import { mergeConfig } from '../engine/config/merge.ts';
import type { DistillConfig } from '../engine/config/config.ts';
import { planTeacherInit } from '../engine/model/teacher_init.ts';
import type { ConfigureOptions, SetSummary } from '../engine/training/session.ts';
import { openHfCheckpoint } from '../io/hf_checkpoint.ts';
import type { TeacherWeightsState } from '../store/data_slice.ts';
import type { AppStore } from '../store/store.ts';

/** Keys the form holds that a teacher init must keep (a changed width or head count is refused at Train). */
export const TEACHER_KEYS = ['architecture', 'd_model', 'n_heads', 'd_ff', 'n_layers', 'max_len'] as const;

export interface AttachedTeacher {
  files: { name: string; blob: Blob }[];
  state: TeacherWeightsState;
  /** The config the form takes (the teacher's shape). */
  config: Readonly<DistillConfig>;
}

/** A file's name inside the model directory (a dropped folder gives "dir/config.json"). */
const baseName = (name: string) => name.split('/').pop() ?? name;

export async function attachTeacher(files: readonly { name: string; blob: Blob }[], set: SetSummary, config: Readonly<DistillConfig>): Promise<AttachedTeacher> {
  const named = files.map((f) => ({ name: baseName(f.name), blob: f.blob }));
  const ckpt = await openHfCheckpoint(new Map(named.map((f) => [f.name, f.blob])));
  const plan = planTeacherInit(ckpt.config, new Set(ckpt.tensors.keys()), { task: set.task, vocabSize: set.vocabSize, seqLen: set.seqLen, numClasses: set.numClasses }, config, new Set());
  const folder = files[0]?.name.includes('/') ? files[0].name.split('/')[0] : 'the teacher files';
  return {
    files: named,
    config: mergeConfig(config, plan.overrides),
    state: {
      name: folder,
      family: plan.family,
      architecture: plan.architecture,
      teacherLayers: plan.teacher.nLayers,
      dModel: plan.teacher.dModel,
      nHeads: plan.teacher.nHeads,
      dFf: plan.teacher.dFf,
      layers: plan.layers,
      reads: plan.reads.length,
      tensors: ckpt.tensors.size,
      bytes: plan.reads.reduce((s, n) => s + (ckpt.tensors.get(n)?.bytes ?? 0), 0),
      notCopied: plan.notCopied,
    },
  };
}

/** The configure option of a run that starts from the attached teacher. */
export function teacherOption(attached: AttachedTeacher): ConfigureOptions['teacher'] {
  return { files: attached.files, explicit: [...TEACHER_KEYS] };
}

/**
 * The page's teacher weights: the attached files (kept here, out of the store), planned again whenever the
 * set changes (the teacher must share its vocabulary); the store shows the plan or the refusal.
 */
export function createTeacherWeights(deps: { store: AppStore }) {
  const act = () => deps.store.getState();
  let files: { name: string; blob: Blob }[] | null = null;
  let attached: AttachedTeacher | null = null;

  async function plan(): Promise<void> {
    if (!files) return;
    const s = act();
    attached = null;
    if (!s.data.summary) {
      act().setTeacherWeights(null, 'load the data set first: the teacher must share its vocabulary');
      return;
    }
    try {
      attached = await attachTeacher(files, s.data.summary, s.config.values);
      for (const key of TEACHER_KEYS) act().setConfigValue(key, attached.config[key]);
      act().setTeacherWeights(attached.state);
    } catch (err) {
      act().setTeacherWeights(null, err instanceof Error ? err.message : String(err));
    }
  }

  return {
    async attach(picked: { name: string; blob: Blob }[]) {
      files = picked;
      await plan();
    },
    detach() {
      files = null;
      attached = null;
      act().setTeacherWeights(null);
    },
    /** After a new set loads. */
    replan: plan,
    /** The configure options of the next run. */
    options: (): ConfigureOptions | undefined => (attached ? { teacher: teacherOption(attached) } : undefined),
  };
}
