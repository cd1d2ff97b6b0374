/**
 * The metadata a writer stores for a DistillSet: the file's raw map, with every resolved contract key
 * (defaults included) overwritten by its decoded value, so a written file reads back to the same set.
 */
import type { DistillSet } from './distill_set.ts';

export type MetadataValue = string | number | string[];

/** Native JSON values (npz / jsonl style), keys sorted. */
export function metadataForExport(set: DistillSet): Record<string, MetadataValue> {
  const m = set.metadata;
  const resolved: Record<string, MetadataValue | undefined> = {
    task: m.task,
    vocab_size: m.vocabSize,
    pad_id: m.padId,
    mask_id: m.maskId,
    bos_id: m.bosId,
    eos_id: m.eosId,
    tokenizer_json: m.tokenizerJson,
    tokenizer_config: m.tokenizerConfig,
    vocab: m.vocab,
    label_names: m.labelNames,
    teacher_name: m.teacherName,
    teacher_params: m.teacherParams,
    teacher_ms_per_example: m.teacherMsPerExample,
    langs: m.langs,
    split: m.split,
    format_version: m.formatVersion,
  };
  const merged: Record<string, MetadataValue> = { ...set.rawMetadata };
  for (const [k, v] of Object.entries(resolved)) if (v !== undefined) merged[k] = v;
  return Object.fromEntries(Object.keys(merged).sort().map((k) => [k, merged[k]]));
}

/** All values as strings (safetensors `__metadata__` style): numbers as decimal, lists as JSON. */
export function metadataStrings(set: DistillSet): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(metadataForExport(set))) out[k] = typeof v === 'string' ? v : typeof v === 'number' ? String(v) : JSON.stringify(v);
  return out;
}
