/** Files the e2e tests upload, written with the io writer from the in-code tiny sets. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { encodeDistillSet } from '../../src/io/distill_set_write.ts';
import { tinyClassificationSet, tinyMlmSet } from '../../src/worker/tiny_sets.ts';
import { OUT } from './browser.ts';

export interface Fixtures {
  mlm: string;
  classification: string;
  /** A safetensors file cut short: the header promises more bytes than the file holds. */
  truncated: string;
  /** Not a container at all. */
  garbage: string;
}

export function writeFixtures(): Fixtures {
  const dir = path.join(OUT, 'fixtures');
  mkdirSync(dir, { recursive: true });
  const mlmBytes = encodeDistillSet(tinyMlmSet({ n: 48, seqLen: 12 }));
  const files: Fixtures = {
    mlm: path.join(dir, 'tiny-mlm.safetensors'),
    classification: path.join(dir, 'tiny-classes.safetensors'),
    truncated: path.join(dir, 'truncated.safetensors'),
    garbage: path.join(dir, 'notes.bin'),
  };
  writeFileSync(files.mlm, mlmBytes);
  writeFileSync(files.classification, encodeDistillSet(tinyClassificationSet({ n: 40, seqLen: 8 })));
  writeFileSync(files.truncated, mlmBytes.subarray(0, Math.floor(mlmBytes.byteLength * 0.6)));
  writeFileSync(files.garbage, new TextEncoder().encode('these are not teacher logits\n'));
  return files;
}
