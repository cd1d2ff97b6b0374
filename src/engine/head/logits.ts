/**
 * The head's logits as one tensor, for inference only (distill predict, the compare view, latency): training
 * and evaluation never build them (gathered.ts, dense.ts). Token tasks: features [P, D] · Eᵀ + b → [P, V],
 * through the same ops the tied head always used (ops/linear.ts, ops/matmul.ts), so the values match
 * transformers' as before.
 */
import type { Tensor2D } from '@tensorflow/tfjs';
import { linearTransposedWeight } from '../ops/linear.ts';
import { matMul2dTransposeB } from '../ops/matmul.ts';
import type { HeadInput } from './chunks.ts';

export function headLogits(head: HeadInput): Tensor2D {
  if (head.kind === 'logits') return head.logits;
  return head.bias ? linearTransposedWeight(head.features, head.weight, head.bias) : matMul2dTransposeB(head.features, head.weight);
}
