/**
 * The tensor copies of a teacher init (teacher_init.ts), by family: which student tensor (model.safetensors
 * names and layout) comes from which teacher tensors, and how they combine (positions with BERT's token type 0
 * folded in, RoBERTa's offset). Teacher names are logical: resolved against the prefixes the checkpoint's class
 * saved them under.
 */
import type { SetShape, TeacherDims, TeacherFamily } from './teacher_init.ts';

export type Combine = (src: { shape: number[]; data: Float32Array }[], maxLen: number) => { shape: number[]; data: Float32Array };

export interface Copy {
  /** Student tensor (disk name). */
  to: string;
  /** Teacher tensors (logical names, resolved against the checkpoint's prefixes). */
  from: string[];
  combine?: Combine;
  /** Left at its random init when the teacher lacks it (heads), instead of refusing. */
  optional?: boolean;
}

export const copyAll: Combine = ([a]) => ({ shape: [...a.shape], data: Float32Array.from(a.data) });

/** Rows [offset, offset + maxLen) of a [P, D] table, plus row 0 of an optional [T, D] token-type table. */
const positionRows = (offset: number): Combine => ([positions, tokenTypes], maxLen) => {
  const d = positions.shape[1];
  const data = Float32Array.from(positions.data.subarray(offset * d, (offset + maxLen) * d));
  if (tokenTypes) for (let i = 0; i < data.length; i++) data[i] += tokenTypes.data[i % d];
  return { shape: [maxLen, d], data };
};

/** Finds a logical name under the prefixes the family's classes save with (BertForMaskedLM: "bert.", BertModel: none). */
export function nameResolver(family: TeacherFamily, names: ReadonlySet<string>): (logical: string) => string | undefined {
  const base = family === 'gpt2' ? 'transformer.' : `${family}.`;
  return (logical) => {
    const [prefix, rest] = logical.startsWith('@') ? ['', logical.slice(1)] : [base, logical];
    const candidates = prefix ? [prefix + rest, rest] : [rest];
    for (const c of candidates) {
      if (names.has(c)) return c;
      const legacy = c.replace(/LayerNorm\.weight$/, 'LayerNorm.gamma').replace(/LayerNorm\.bias$/, 'LayerNorm.beta'); // TF-era checkpoints
      if (names.has(legacy)) return legacy;
    }
    return undefined;
  };
}

const wb = (to: string, from: string, optional = false): Copy[] => [
  { to: `${to}.weight`, from: [`${from}.weight`], optional },
  { to: `${to}.bias`, from: [`${from}.bias`], optional },
];

/** BERT / RoBERTa / DistilBERT teacher → DistilBERT student. Names starting with "@" are top-level (no base prefix). */
export function bertCopies(family: TeacherFamily, layers: number[], set: SetShape, t: TeacherDims, resolve: (n: string) => string | undefined): Copy[] {
  const s = 'distilbert';
  const copies: Copy[] = [];
  if (family === 'distilbert') {
    copies.push(
      { to: `${s}.embeddings.word_embeddings.weight`, from: ['embeddings.word_embeddings.weight'] },
      { to: `${s}.embeddings.position_embeddings.weight`, from: ['embeddings.position_embeddings.weight'], combine: positionRows(0) },
      ...wb(`${s}.embeddings.LayerNorm`, 'embeddings.LayerNorm'),
    );
    layers.forEach((i, j) => {
      const [to, from] = [`${s}.transformer.layer.${j}`, `transformer.layer.${i}`];
      for (const part of ['attention.q_lin', 'attention.k_lin', 'attention.v_lin', 'attention.out_lin', 'sa_layer_norm', 'ffn.lin1', 'ffn.lin2', 'output_layer_norm']) copies.push(...wb(`${to}.${part}`, `${from}.${part}`));
    });
    if (set.task === 'mlm') copies.push(...wb('vocab_transform', '@vocab_transform', true), ...wb('vocab_layer_norm', '@vocab_layer_norm', true), { to: 'vocab_projector.bias', from: ['@vocab_projector.bias'], optional: true });
    if (set.task === 'classification' && t.numLabels === set.numClasses) copies.push(...wb('pre_classifier', '@pre_classifier', true), ...wb('classifier', '@classifier', true));
    return copies;
  }
  const tokenTypes = resolve('embeddings.token_type_embeddings.weight') ? ['embeddings.token_type_embeddings.weight'] : [];
  copies.push(
    { to: `${s}.embeddings.word_embeddings.weight`, from: ['embeddings.word_embeddings.weight'] },
    { to: `${s}.embeddings.position_embeddings.weight`, from: ['embeddings.position_embeddings.weight', ...tokenTypes], combine: positionRows(t.positionOffset) },
    ...wb(`${s}.embeddings.LayerNorm`, 'embeddings.LayerNorm'),
  );
  layers.forEach((i, j) => {
    const [to, from] = [`${s}.transformer.layer.${j}`, `encoder.layer.${i}`];
    copies.push(
      ...wb(`${to}.attention.q_lin`, `${from}.attention.self.query`),
      ...wb(`${to}.attention.k_lin`, `${from}.attention.self.key`),
      ...wb(`${to}.attention.v_lin`, `${from}.attention.self.value`),
      ...wb(`${to}.attention.out_lin`, `${from}.attention.output.dense`),
      ...wb(`${to}.sa_layer_norm`, `${from}.attention.output.LayerNorm`),
      ...wb(`${to}.ffn.lin1`, `${from}.intermediate.dense`),
      ...wb(`${to}.ffn.lin2`, `${from}.output.dense`),
      ...wb(`${to}.output_layer_norm`, `${from}.output.LayerNorm`),
    );
  });
  if (set.task === 'mlm') {
    const head = family === 'roberta' ? ['@lm_head.dense', '@lm_head.layer_norm', '@lm_head.bias'] : ['@cls.predictions.transform.dense', '@cls.predictions.transform.LayerNorm', '@cls.predictions.bias'];
    const bias = resolve(head[2]) ? head[2] : family === 'roberta' ? '@lm_head.decoder.bias' : '@cls.predictions.decoder.bias';
    copies.push(...wb('vocab_transform', head[0], true), ...wb('vocab_layer_norm', head[1], true), { to: 'vocab_projector.bias', from: [bias], optional: true });
  }
  if (set.task === 'classification' && t.numLabels === set.numClasses) {
    if (family === 'roberta') copies.push(...wb('pre_classifier', '@classifier.dense', true), ...wb('classifier', '@classifier.out_proj', true));
    else copies.push(...wb('pre_classifier', 'pooler.dense', true), ...wb('classifier', '@classifier', true));
  }
  return copies;
}

/** GPT-2 teacher → GPT-2 student: the same names; the LM head is tied to wte in both. */
export function gpt2Copies(layers: number[], set: SetShape, t: TeacherDims): Copy[] {
  const copies: Copy[] = [
    { to: 'transformer.wte.weight', from: ['wte.weight'] },
    { to: 'transformer.wpe.weight', from: ['wpe.weight'], combine: positionRows(0) },
    ...wb('transformer.ln_f', 'ln_f'),
  ];
  layers.forEach((i, j) => {
    for (const part of ['ln_1', 'attn.c_attn', 'attn.c_proj', 'ln_2', 'mlp.c_fc', 'mlp.c_proj']) copies.push(...wb(`transformer.h.${j}.${part}`, `h.${i}.${part}`));
  });
  if (set.task === 'classification' && t.numLabels === set.numClasses) copies.push({ to: 'score.weight', from: ['@score.weight'], optional: true });
  return copies;
}
