/**
 * The student of Distill Playground 0.1 (run directories whose config.json says
 * `model_type: "distill-playground-student"`): kept so that those directories and their report.json files
 * still load into `distill eval` / `distill predict` and the page. No transformers class computes it, so new
 * runs never train it (the config key `architecture` cannot name it).
 *
 *   x = E[ids] + P[0:L], dropout;  per block: x += Drop(Attn(LN₁ x)); x += Drop(W₂ GELU_tanh(W₁ LN₂ x))
 *   h = LN_f(x);  token tasks: logits = h Eᵀ + b;  classification: pool(h) W_c + b_c (mean or first)
 *
 * Weights were stored [in, out] (y = x @ W + b) under these names.
 */
import type { Architecture, ParamDef, StudentSpec } from './types.ts';

export const EPS = 1e-5;
export const WORDS = 'embeddings.word_embeddings.weight';

function params(spec: StudentSpec): ParamDef[] {
  const { dModel: d, dFf: f, vocabSize: v } = spec;
  const def = (name: string, shape: number[], init: ParamDef['init'], decay = false): ParamDef => ({ name, shape, init, decay, transposeOnDisk: false });
  const defs: ParamDef[] = [def(WORDS, [v, d], 'normal'), def('embeddings.position_embeddings.weight', [spec.maxLen, d], 'normal')];
  for (let i = 0; i < spec.nLayers; i++) {
    const p = `encoder.layer.${i}`;
    defs.push(
      def(`${p}.ln_1.weight`, [d], 'ones'),
      def(`${p}.ln_1.bias`, [d], 'zeros'),
      def(`${p}.attention.qkv.weight`, [d, 3 * d], 'normal', true),
      def(`${p}.attention.qkv.bias`, [3 * d], 'zeros'),
      def(`${p}.attention.output.weight`, [d, d], 'residual', true),
      def(`${p}.attention.output.bias`, [d], 'zeros'),
      def(`${p}.ln_2.weight`, [d], 'ones'),
      def(`${p}.ln_2.bias`, [d], 'zeros'),
      def(`${p}.mlp.fc_in.weight`, [d, f], 'normal', true),
      def(`${p}.mlp.fc_in.bias`, [f], 'zeros'),
      def(`${p}.mlp.fc_out.weight`, [f, d], 'residual', true),
      def(`${p}.mlp.fc_out.bias`, [d], 'zeros'),
    );
  }
  defs.push(def('final_ln.weight', [d], 'ones'), def('final_ln.bias', [d], 'zeros'));
  if (spec.task === 'classification') {
    const c = spec.numClasses ?? 0;
    defs.push(def('classifier.weight', [d, c], 'normal', true), def('classifier.bias', [c], 'zeros'));
  } else {
    defs.push(def('lm_head.bias', [v], 'zeros'));
  }
  return defs;
}

function hfConfig(spec: StudentSpec): Record<string, unknown> {
  return {
    model_type: 'distill-playground-student',
    task: spec.task,
    hidden_size: spec.dModel,
    num_hidden_layers: spec.nLayers,
    num_attention_heads: spec.nHeads,
    intermediate_size: spec.dFf,
    vocab_size: spec.vocabSize,
    max_position_embeddings: spec.maxLen,
    hidden_act: 'gelu_new',
    hidden_dropout_prob: spec.dropout,
    layer_norm_eps: EPS,
    pre_layer_norm: true,
    tie_word_embeddings: spec.task !== 'classification',
    is_decoder: spec.task === 'clm',
    num_labels: spec.numClasses ?? null,
    pooling: spec.task === 'classification' ? spec.pooling : null,
    weight_layout: 'x @ W: linear weights are [in, out], the transpose of torch.nn.Linear.weight',
  };
}

export const LEGACY: Architecture = {
  name: 'legacy',
  description: 'the Distill Playground 0.1 student (read-only: old run directories)',
  classes: { mlm: 'StudentForMaskedLM', clm: 'StudentForCausalLM', classification: 'StudentForSequenceClassification' },
  params,
  hfConfig,
  tied: () => [],
};
