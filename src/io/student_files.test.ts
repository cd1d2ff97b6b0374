import { describe, expect, it } from 'vitest';
import { readSafetensors } from './safetensors_read.ts';
import { encodeStudentFiles } from './student_files.ts';

describe('encodeStudentFiles', () => {
  it('writes the weights with the config in the metadata (the CLI and the page alike) and config.json', async () => {
    const config = { hidden_size: 3, vocab_size: 2, distill: { steps: 5 }, backend: 'wasm' };
    const files = encodeStudentFiles(
      { tensors: [{ name: 'embeddings.word_embeddings.weight', dtype: 'F32', shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6]) }], config },
      6,
    );
    expect(files.paramCount).toBe(6);
    expect(files.configJson).toBe(JSON.stringify(config, null, 2) + '\n');
    const read = await readSafetensors(new Blob([new Uint8Array(files.safetensors)]));
    expect(read.tensors.get('embeddings.word_embeddings.weight')?.data).toEqual(new Float32Array([1, 2, 3, 4, 5, 6]));
    expect(read.metadata).toEqual({ format: 'pt', config: JSON.stringify(config), distill_config: '{"steps":5}', backend: 'wasm' });
  });
});
