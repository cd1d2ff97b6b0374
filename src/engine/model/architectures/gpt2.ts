/**
 * GPT-2, exactly as transformers' GPT2LMHeadModel / GPT2ForSequenceClassification compute it
 * (modeling_gpt2.py), so that model.safetensors + config.json load with `from_pretrained`:
 *
 *   x = E[ids] + P[0:L], dropout                                # pre-LN blocks
 *   for each block:  x = x + Dropout(W_proj·Attn(LN₁(x) W_attn))            # causal, pad keys masked
 *                    x = x + Dropout(W_proj' GELU_tanh(LN₂(x) W_fc))
 *   h = LN_f(x)
 *   clm:            logits = h Eᵀ                                           # lm_head tied to wte, no bias
 *   classification: logits = h[b, t*] W_score, t* = the last position whose id ≠ pad_token_id
 *
 * GPT-2's Conv1D stores weights [in, out] (as the engine does); only the classifier's `score` is an
 * nn.Linear. LayerNorm ε = 1e-5. Residual projections start at N(0, 0.02/√(2·layers)) (GPT-2's scheme).
 * transformers drops out attention probabilities (attn_pdrop); the engine does not: config.json says 0.0.
 */
import type { Architecture, ParamDef, StudentSpec } from './types.ts';

export const EPS = 1e-5;
export const WORDS = 'transformer.wte.weight';

const param = (name: string, shape: number[], init: ParamDef['init'], decay = false, transposeOnDisk = false): ParamDef => ({
  name,
  shape,
  init,
  decay,
  transposeOnDisk,
});

/** A Conv1D(in → out): weight [in, out] (engine and disk alike) and bias [out]. */
const conv1d = (prefix: string, inDim: number, outDim: number, residual = false): ParamDef[] => [
  param(`${prefix}.weight`, [inDim, outDim], residual ? 'residual' : 'normal', true),
  param(`${prefix}.bias`, [outDim], 'zeros'),
];

const layerNormParams = (prefix: string, d: number): ParamDef[] => [
  param(`${prefix}.weight`, [d], 'ones'),
  param(`${prefix}.bias`, [d], 'zeros'),
];

function params(spec: StudentSpec): ParamDef[] {
  const { dModel: d, dFf: f, vocabSize: v } = spec;
  const defs: ParamDef[] = [param(WORDS, [v, d], 'normal'), param('transformer.wpe.weight', [spec.maxLen, d], 'normal')];
  for (let i = 0; i < spec.nLayers; i++) {
    const pre = `transformer.h.${i}`;
    defs.push(
      ...layerNormParams(`${pre}.ln_1`, d),
      ...conv1d(`${pre}.attn.c_attn`, d, 3 * d),
      ...conv1d(`${pre}.attn.c_proj`, d, d, true),
      ...layerNormParams(`${pre}.ln_2`, d),
      ...conv1d(`${pre}.mlp.c_fc`, d, f),
      ...conv1d(`${pre}.mlp.c_proj`, f, d, true),
    );
  }
  defs.push(...layerNormParams('transformer.ln_f', d));
  if (spec.task === 'classification') defs.push(param('score.weight', [d, spec.numClasses ?? 0], 'normal', true, true));
  return defs;
}

function hfConfig(spec: StudentSpec): Record<string, unknown> {
  return {
    model_type: 'gpt2',
    vocab_size: spec.vocabSize,
    n_positions: spec.maxLen,
    n_embd: spec.dModel,
    n_layer: spec.nLayers,
    n_head: spec.nHeads,
    n_inner: spec.dFf,
    activation_function: 'gelu_new',
    resid_pdrop: spec.dropout,
    embd_pdrop: spec.dropout,
    attn_pdrop: 0,
    summary_first_dropout: spec.dropout,
    layer_norm_epsilon: EPS,
    initializer_range: 0.02,
    scale_attn_weights: true,
    scale_attn_by_inverse_layer_idx: false,
    reorder_and_upcast_attn: false,
    pad_token_id: spec.padId,
    tie_word_embeddings: true,
  };
}

export const GPT2: Architecture = {
  name: 'gpt2',
  description: 'GPT-2 (pre-LN, tanh GELU, causal, LM head tied to wte without a bias)',
  classes: { clm: 'GPT2LMHeadModel', classification: 'GPT2ForSequenceClassification' },
  params,
  hfConfig,
  tied: (spec) => (spec.task === 'classification' ? [] : [{ name: 'lm_head.weight', source: WORDS }]),
};
