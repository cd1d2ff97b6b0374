/**
 * The files of a PyTorch handoff directory (`distill handoff --out OUT`, the page's "Continue in PyTorch"):
 *   train.py, distill_losses.py   tools/handoff/ (the trainer: transformers + torch; the engine's losses)
 *   recipe.json                   engine/handoff/recipe.ts
 *   student/…                     the student directory to start from (config.json, model.safetensors, …)
 *   README.md                     how to run it
 * Pure over bytes; the Python sources are passed in (the CLI reads them from disk, the page bundles them).
 */
import type { HandoffRecipe } from '../engine/handoff/recipe.ts';
import type { NamedFile } from './student_files.ts';

export interface HandoffSources {
  trainPy: string;
  lossesPy: string;
}

export function handoffReadme(recipe: HandoffRecipe, dataName: string): string {
  const c = recipe.config;
  return `# ${recipe.name}: continue in PyTorch

Handed off from Distill Playground: a ${recipe.model_class} (${recipe.architecture}, ${c.n_layers} layers,
d_model ${c.d_model}) trained ${recipe.schedule.steps_done} steps on ${dataName}, recipe ${recipe.losses.terms.join(' + ')}
(T = ${c.temperature}, divergence ${c.divergence}, positions ${c.distill_positions}).

Needs Python 3.9+ with torch, transformers (5.x or 4.56+), safetensors and numpy:

    python -m venv .venv && .venv/bin/pip install torch transformers safetensors numpy

Check first that this PyTorch computes the same losses as the browser did (every component on the first
batches, dropout off; exit 1 when any differs by more than ${recipe.parity.tolerance} relative):

    python train.py --data ${dataName} --check-parity

Then train (student/ is the starting point; the AdamW state is ${recipe.optimizer.state ? 'in student/optimizer.safetensors and is resumed' : 'not included: AdamW starts fresh'}):

    python train.py --data ${dataName} --out run --steps 1000                 # one process: CPU or one GPU
    torchrun --nproc_per_node 8 train.py --data ${dataName} --out run --steps 1000   # DistributedDataParallel

Each process draws batch_size = ${c.batch_size} examples a step, so the global batch is N × ${c.batch_size};
scale lr (recipe.json config.lr) if you change N. Multi-node runs are torchrun's job (--nnodes, --rdzv-*).
\`run/\` is a Hugging Face model directory (\`AutoModel….from_pretrained("run")\`) with a report.json the
playground's Runs tab imports next to the browser run. Files: recipe.json (the resolved recipe), train.py,
distill_losses.py (the same losses as docs/losses.md), student/.
`;
}

export function handoffFiles(recipe: HandoffRecipe, student: readonly NamedFile[], sources: HandoffSources, dataName: string): NamedFile[] {
  const text = (s: string) => new TextEncoder().encode(s);
  return [
    { name: 'recipe.json', bytes: text(JSON.stringify(recipe, null, 2) + '\n') },
    { name: 'train.py', bytes: text(sources.trainPy) },
    { name: 'distill_losses.py', bytes: text(sources.lossesPy) },
    { name: 'README.md', bytes: text(handoffReadme(recipe, dataName)) },
    ...student.map((f) => ({ name: `student/${f.name}`, bytes: f.bytes })),
  ];
}
