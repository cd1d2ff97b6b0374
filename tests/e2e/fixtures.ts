/** Files the e2e tests upload, written with the io writer from the in-code tiny sets, and hostile ones. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { encodeDistillSet } from '../../src/io/distill_set_write.ts';
import { writeSparseSafetensors } from '../../src/io/test_helpers.ts';
import { tinyClassificationSet, tinyMlmSet } from '../../src/engine/testing/tiny_sets.ts';
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

/** A set whose data section is a hole (sparse, all zeros, valid: io/test_helpers.ts), for big-file tests. */
export function sparseSet(name: string, N: number, L: number, V: number): string {
  const dir = path.join(OUT, 'fixtures');
  mkdirSync(dir, { recursive: true });
  return writeSparseSafetensors(path.join(dir, name), { n: N, seqLen: L, vocabSize: V }, { metadata: { task: 'mlm', vocab_size: String(V) } });
}

/** Files a person might drop by mistake or an attacker might craft; each must be refused in place. */
export function hostileFiles(): { file: string; message: RegExp }[] {
  const dir = path.join(OUT, 'fixtures');
  mkdirSync(dir, { recursive: true });
  const write = (name: string, bytes: Uint8Array | string) => {
    const file = path.join(dir, name);
    writeFileSync(file, bytes);
    return file;
  };
  const hugeHeader = new Uint8Array(16);
  new DataView(hugeHeader.buffer).setBigUint64(0, 2n ** 40n, true);
  hugeHeader.set(new TextEncoder().encode('{"a":'), 8);
  return [
    { file: write('empty.safetensors', new Uint8Array(0)), message: /file too short for the 8-byte header length/ },
    { file: write('huge-header.safetensors', hugeHeader), message: /header length runs past the end of the file/ },
    { file: write('nan.jsonl', '{"metadata": {"task": "mlm", "vocab_size": 3}}\n{"input_ids": [1, 2], "teacher_logits": [[0, NaN, 1], [0, 1, 2]]}\n'), message: /line 2: NaN or Infinity/ },
    { file: write('not-a-zip.npz', 'PK\u0003\u0004 this is not a zip archive'), message: /end of central directory not found: not a zip/ },
  ];
}
