import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeDistillSetJsonl } from './jsonl_write.ts';
import { readDistillSet } from './read.ts';
import { blobOf, fixtureBlob } from './test_helpers.ts';
import { arbitrarySet, withoutRaw } from './test_sets.ts';

describe('encodeDistillSetJsonl', () => {
  it('round-trips any valid set through readDistillSet (float32 values exact)', async () => {
    await fc.assert(
      fc.asyncProperty(arbitrarySet, async (set) => {
        const back = await readDistillSet(blobOf(encodeDistillSetJsonl(set)), 'x.jsonl', { chunkBytes: 61 });
        expect(withoutRaw(back)).toEqual(withoutRaw(set));
      }),
      { numRuns: 60 },
    );
  });
  it('writes a metadata line, then one object per example without the N dimension', async () => {
    const set = await readDistillSet(fixtureBlob('cls_bytes_meta.npz'), 'c.npz');
    const lines = encodeDistillSetJsonl(set).trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(5);
    expect(lines[0].metadata).toMatchObject({ task: 'classification', label_names: ['neg', 'neu', 'pos'], vocab_size: 6 });
    expect(Object.keys(lines[1])).toEqual(['input_ids', 'attention_mask', 'labels', 'teacher_logits', 'teacher_hidden']);
    expect(lines[2].labels).toBe(2);
    expect(lines[1].teacher_hidden).toHaveLength(3);
  });
});
