/**
 * The DistillConfig a bench cell trains with (shared by the Node peer and the browser page): the cell's shape,
 * RECIPE's losses, and reporting that never interrupts a timed run (no evaluation, one read-back per run).
 */
import type { DistillConfig } from '../src/engine/config/config.ts';
import { mergeConfig } from '../src/engine/config/merge.ts';
import { RECIPE, type Cell } from './grid.ts';

export function trainerConfig(cell: Cell): Readonly<DistillConfig> {
  return mergeConfig({
    n_layers: cell.nLayers,
    d_model: cell.dModel,
    n_heads: cell.nHeads,
    d_ff: cell.dFf,
    max_len: cell.seqLen,
    dropout: RECIPE.dropout,
    temperature: RECIPE.temperature,
    alpha_kd: RECIPE.alphaKd,
    alpha_hard: RECIPE.alphaHard,
    batch_size: cell.batchSize,
    steps: 1_000_000, // never reached: the bench decides how many steps run
    eval_every: 0,
    eval_fraction: 0.05,
    report_every: 100_000, // the trainer reads back at the end of each step(n) call only
    backend: cell.backend,
    trim_vocab: cell.trimVocab ?? 'auto', // the CLI's default unless the cell says
  });
}
