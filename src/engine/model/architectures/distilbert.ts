/**
 * DistilBERT, exactly as transformers' DistilBertForMaskedLM / DistilBertForSequenceClassification compute it
 * (modeling_distilbert.py), so that model.safetensors + config.json load with `from_pretrained`:
 *
 *   x = LN_emb(E[ids] + P[0:L]), dropout                        # post-LN blocks from here on
 *   for each block:  x = LN_sa(x + W_o·Attn(W_q x, W_k x, W_v x))          # pad keys masked, bidirectional
 *                    x = LN_out(x + Dropout(W_2 GELU(W_1 x)))              # GELU exact (erf)
 *   mlm:            logits = LN_v(GELU(W_t x)) Eᵀ + b_v                     # vocab_projector tied to E
 *   classification: logits = W_c Dropout(ReLU(W_p x[:, 0])) + b_c          # the [CLS] position
 *
 * Every LayerNorm has ε = 1e-12 (hard-coded in transformers). transformers applies dropout to the attention
 * probabilities (attention_dropout); the engine does not, so config.json says attention_dropout 0.0 and a run
 * continued in PyTorch trains the same model.
 */
import type { Architecture, ParamDef, StudentSpec } from './types.ts';

export const EPS = 1e-12;
export const WORDS = 'distilbert.embeddings.word_embeddings.weight';

const param = (name: string, shape: number[], init: ParamDef['init'], linearWeight = false): ParamDef => ({
  name,
  shape,
  init,
  decay: linearWeight,
  transposeOnDisk: linearWeight,
});

/** A torch nn.Linear(in, out): weight [in, out] in the engine ([out, in] on disk) and bias [out]. */
const linearParams = (prefix: string, inDim: number, outDim: number): ParamDef[] => [
  param(`${prefix}.weight`, [inDim, outDim], 'normal', true),
  param(`${prefix}.bias`, [outDim], 'zeros'),
];

const layerNormParams = (prefix: string, d: number): ParamDef[] => [
  param(`${prefix}.weight`, [d], 'ones'),
  param(`${prefix}.bias`, [d], 'zeros'),
];

function params(spec: StudentSpec): ParamDef[] {
  const { dModel: d, dFf: f, vocabSize: v } = spec;
  const defs: ParamDef[] = [
    param(WORDS, [v, d], 'normal'),
    param('distilbert.embeddings.position_embeddings.weight', [spec.maxLen, d], 'normal'),
    ...layerNormParams('distilbert.embeddings.LayerNorm', d),
  ];
  for (let i = 0; i < spec.nLayers; i++) {
    const pre = `distilbert.transformer.layer.${i}`;
    defs.push(
      ...linearParams(`${pre}.attention.q_lin`, d, d),
      ...linearParams(`${pre}.attention.k_lin`, d, d),
      ...linearParams(`${pre}.attention.v_lin`, d, d),
      ...linearParams(`${pre}.attention.out_lin`, d, d),
      ...layerNormParams(`${pre}.sa_layer_norm`, d),
      ...linearParams(`${pre}.ffn.lin1`, d, f),
      ...linearParams(`${pre}.ffn.lin2`, f, d),
      ...layerNormParams(`${pre}.output_layer_norm`, d),
    );
  }
  if (spec.task === 'classification') {
    defs.push(...linearParams('pre_classifier', d, d), ...linearParams('classifier', d, spec.numClasses ?? 0));
  } else {
    defs.push(...linearParams('vocab_transform', d, d), ...layerNormParams('vocab_layer_norm', d), param('vocab_projector.bias', [v], 'zeros'));
  }
  return defs;
}

function hfConfig(spec: StudentSpec): Record<string, unknown> {
  return {
    model_type: 'distilbert',
    vocab_size: spec.vocabSize,
    max_position_embeddings: spec.maxLen,
    sinusoidal_pos_embds: false,
    n_layers: spec.nLayers,
    n_heads: spec.nHeads,
    dim: spec.dModel,
    hidden_dim: spec.dFf,
    dropout: spec.dropout,
    attention_dropout: 0,
    activation: 'gelu',
    initializer_range: 0.02,
    qa_dropout: spec.dropout,
    seq_classif_dropout: spec.dropout,
    pad_token_id: spec.padId,
    tie_word_embeddings: true,
  };
}

export const DISTILBERT: Architecture = {
  name: 'distilbert',
  description: 'DistilBERT (post-LN, erf GELU, tied MLM head with transform + LayerNorm)',
  classes: { mlm: 'DistilBertForMaskedLM', classification: 'DistilBertForSequenceClassification' },
  params,
  hfConfig,
  tied: (spec) => (spec.task === 'classification' ? [] : [{ name: 'vocab_projector.weight', source: WORDS }]),
};
