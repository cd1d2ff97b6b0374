import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeDistillSet } from './distill_set_write.ts';
import { readDistillSet } from './read.ts';
import { readSafetensors } from './safetensors_read.ts';
import { blobOf, fixtureBlob } from './test_helpers.ts';
import { arbitrarySet, withoutRaw } from './test_sets.ts';

describe('encodeDistillSet', () => {
  it('round-trips any valid set through readDistillSet', async () => {
    await fc.assert(
      fc.asyncProperty(arbitrarySet, async (set) => {
        const back = await readDistillSet(blobOf(encodeDistillSet(set)), 'x.safetensors');
        expect(withoutRaw(back)).toEqual(withoutRaw(set));
        expect(back.rawMetadata).toMatchObject({ note: set.rawMetadata.note });
      }),
      { numRuns: 60 },
    );
  });
  it('writes the contract names and dtypes, metadata as strings', async () => {
    const set = await readDistillSet(fixtureBlob('mlm_dense_f16.npz'), 'a.npz');
    const file = await readSafetensors(blobOf(encodeDistillSet(set)));
    expect([...file.tensors].map(([name, t]) => [name, t.dtype, t.shape])).toEqual([
      ['attention_mask', 'u8', [3, 6]],
      ['input_ids', 'i32', [3, 6]],
      ['labels', 'i32', [3, 6]],
      ['teacher_logits', 'f32', [3, 6, 10]],
    ]);
    expect(file.metadata).toMatchObject({ task: 'mlm', vocab_size: '10', mask_id: '3', langs: '["en","de","en"]', exporter_note: 'kept' });
    expect(Object.values(file.metadata).every((v) => typeof v === 'string')).toBe(true);
  });
});
