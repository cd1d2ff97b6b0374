import { describe, expect, it } from 'vitest';
import { requiredTokenizerIds, trimTokenizerJson } from './tokenizer_trim.ts';

const wordpiece = JSON.stringify({
  added_tokens: [{ id: 0, content: '[PAD]', special: true }, { id: 1, content: '[UNK]', special: true }, { id: 2, content: '[CLS]', special: true }, { id: 3, content: '[SEP]', special: true }],
  post_processor: { type: 'TemplateProcessing', single: [], pair: [], special_tokens: { '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] }, '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] } } },
  model: { type: 'WordPiece', unk_token: '[UNK]', vocab: { '[PAD]': 0, '[UNK]': 1, '[CLS]': 2, '[SEP]': 3, hello: 4, world: 5, '##s': 6, big: 7 } },
});
const unigram = JSON.stringify({ added_tokens: [{ id: 0, content: '<pad>' }, { id: 2, content: '<unk>' }], model: { type: 'Unigram', unk_id: 2, vocab: [['<pad>', 0], ['<s>', 0], ['<unk>', 0], ['▁a', -1], ['▁b', -2], ['c', -3]] } });
const bpe = JSON.stringify({ added_tokens: [{ id: 5, content: '<|endoftext|>' }], model: { type: 'BPE', vocab: { a: 0, b: 1, ab: 2, abb: 3, c: 4, '<|endoftext|>': 5 }, merges: ['a b', 'ab b', 'b c'] } });

describe('requiredTokenizerIds', () => {
  it('keeps added tokens and the unknown token; for BPE its single-character alphabet too', () => {
    expect(requiredTokenizerIds(wordpiece).sort()).toEqual([0, 1, 1, 2, 3].sort());
    expect(requiredTokenizerIds(unigram).sort()).toEqual([0, 2, 2].sort());
    expect(requiredTokenizerIds(bpe).sort((a, b) => a - b)).toEqual([0, 1, 4, 5]);
    expect(requiredTokenizerIds(JSON.stringify({ model: { type: 'Exotic' } }))).toEqual([]);
    expect(requiredTokenizerIds(undefined)).toEqual([]);
  });
});

describe('trimTokenizerJson', () => {
  it('WordPiece: the kept tokens renumbered, specials and the post-processor ids remapped', () => {
    const out = JSON.parse(trimTokenizerJson(wordpiece, Int32Array.from([0, 1, 2, 3, 5, 7])) ?? '{}');
    expect(out.model.vocab).toEqual({ '[PAD]': 0, '[UNK]': 1, '[CLS]': 2, '[SEP]': 3, world: 4, big: 5 });
    expect(out.post_processor.special_tokens['[SEP]'].ids).toEqual([3]);
    expect(out.added_tokens.map((t: { id: number }) => t.id)).toEqual([0, 1, 2, 3]);
  });
  it('Unigram: the pieces in student order, unk_id remapped', () => {
    const out = JSON.parse(trimTokenizerJson(unigram, Int32Array.from([0, 2, 4])) ?? '{}');
    expect(out.model.vocab).toEqual([['<pad>', 0], ['<unk>', 0], ['▁b', -2]]);
    expect(out.model.unk_id).toBe(1);
    expect(out.added_tokens).toEqual([{ id: 0, content: '<pad>' }, { id: 1, content: '<unk>' }]);
  });
  it('BPE: merges kept only when both parts and the result survive', () => {
    const out = JSON.parse(trimTokenizerJson(bpe, Int32Array.from([0, 1, 2, 4, 5])) ?? '{}');
    expect(out.model.vocab).toEqual({ a: 0, b: 1, ab: 2, c: 3, '<|endoftext|>': 4 });
    expect(out.model.merges).toEqual(['a b']);
  });
  it('leaves a model type it cannot trim alone (undefined)', () => {
    expect(trimTokenizerJson(JSON.stringify({ model: { type: 'Exotic' } }), Int32Array.from([0]))).toBeUndefined();
  });
});
