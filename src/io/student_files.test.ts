import { describe, expect, it } from 'vitest';
import { readSafetensors } from './safetensors_read.ts';
import { encodeStudentFiles, encodeStudentFilesStreamed } from './student_files.ts';

const tensors = [{ name: 'distilbert.embeddings.word_embeddings.weight', dtype: 'F32' as const, shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6]) }];
const config = { model_type: 'distilbert', vocab_size: 2, distill: { steps: 5 }, backend: 'wasm' };

describe('encodeStudentFiles', () => {
  it('writes the Hugging Face directory: config.json and model.safetensors as save_pretrained does (metadata format pt)', async () => {
    const files = encodeStudentFiles({ tensors, config }, 6);
    expect(files.paramCount).toBe(6);
    expect(files.files.map((f) => f.name)).toEqual(['config.json', 'model.safetensors']);
    expect(files.configJson).toBe(JSON.stringify(config, null, 2) + '\n');
    const read = await readSafetensors(new Blob([new Uint8Array(files.safetensors)]));
    expect(read.tensors.get('distilbert.embeddings.word_embeddings.weight')?.data).toEqual(new Float32Array([1, 2, 3, 4, 5, 6]));
    expect(read.metadata).toEqual({ format: 'pt' });
  });

  it('adds the projection, the AdamW state and the teacher\'s tokenizer when there are', async () => {
    const projection = { name: 'distill.hidden_projection.weight', dtype: 'F32' as const, shape: [1, 2], data: new Float32Array([0.5, -1]) };
    const optimizer = { step: 7, tensors: [{ ...tensors[0], name: `exp_avg.${tensors[0].name}` }, { ...tensors[0], name: `exp_avg_sq.${tensors[0].name}` }] };
    const files = encodeStudentFiles({ tensors, config: { ...config, max_position_embeddings: 64 }, projection }, 6, { tokenizerJson: '{"model": {}}', tokenizerConfig: '{"tokenizer_class": "BertTokenizer", "mask_token": "[MASK]"}' }, optimizer);
    expect(files.files.map((f) => f.name)).toEqual(['config.json', 'model.safetensors', 'hidden_projection.safetensors', 'optimizer.safetensors', 'tokenizer.json', 'tokenizer_config.json']);
    const opt = await readSafetensors(new Blob([new Uint8Array(files.files[3].bytes)]));
    expect(opt.metadata).toMatchObject({ step: '7', optimizer: 'adamw' });
    expect([...opt.tensors.keys()].sort()).toEqual(optimizer.tensors.map((t) => t.name).sort());
    const tokenizerConfig = JSON.parse(new TextDecoder().decode(files.files[5].bytes));
    expect(tokenizerConfig).toEqual({ tokenizer_class: 'BertTokenizer', mask_token: '[MASK]', model_max_length: 64 });
  });

  it('streamed from sources, writes the very same bytes, reading each tensor once and one at a time', async () => {
    const projection = { name: 'distill.hidden_projection.weight', dtype: 'F32' as const, shape: [1, 2], data: new Float32Array([0.5, -1]) };
    const b = { name: 'distilbert.embeddings.b', dtype: 'F32' as const, shape: [2], data: new Float32Array([7, 8]) };
    const optimizer = { step: 7, tensors: [{ ...tensors[0], name: `exp_avg_sq.${tensors[0].name}` }, { ...b, name: `exp_avg.${b.name}` }] };
    const meta = { tokenizerJson: '{"model": {}}' };
    const vocabMap = { teacherIds: Int32Array.of(0, 5), teacherVocabSize: 9 };
    const full = { tensors: [...tensors, b], config: { ...config, max_position_embeddings: 64 }, projection };
    const whole = encodeStudentFiles(full, 8, meta, optimizer, vocabMap);
    let open = 0;
    const reads: string[] = [];
    const source = ({ data, ...a }: (typeof tensors)[number]) => ({
      ...a,
      async read() {
        expect(open).toBe(0); // no read overlaps another (Promise.all would hold every copy at once)
        open++;
        reads.push(a.name);
        await new Promise((resolve) => setTimeout(resolve, 1));
        open--;
        return data;
      },
    });
    const streamed = await encodeStudentFilesStreamed(
      { student: { tensors: full.tensors.map(source), config: full.config, projection: source(projection) }, optimizer: { step: 7, tensors: optimizer.tensors.map(source) } },
      8,
      meta,
      vocabMap,
    );
    expect(streamed.files.map((f) => f.name)).toEqual(whole.files.map((f) => f.name));
    streamed.files.forEach((f, i) => expect(f.bytes, f.name).toEqual(whole.files[i].bytes));
    expect(streamed.safetensors).toEqual(whole.safetensors);
    expect(streamed.configJson).toBe(whole.configJson);
    expect(reads.sort()).toEqual([...full.tensors, projection, ...optimizer.tensors].map((t) => t.name).sort());
  });
});
