/**
 * A Hugging Face fast tokenizer (tokenizer.json) cut down to a trimmed student's vocabulary (trim_vocab.ts):
 * token ids renumbered to the student's, tokens outside it removed, so that the exported student directory's
 * tokenizer produces ids the student has. Pure JSON; models WordPiece, WordLevel, BPE and Unigram (mBERT,
 * XLM-R, GPT-2, …). What a trimmed tokenizer must still be able to do decides which ids are kept besides the
 * set's own (requiredTokenizerIds): its added / special tokens, its unknown token, and for BPE its alphabet (the
 * single-character tokens every word decomposes into). BPE merges survive when both parts and their result are
 * kept. Text the set never contained may tokenize differently (into smaller pieces, or the unknown token): the
 * price of the smaller vocabulary, as in Abdaoui et al.
 */

type Json = Record<string, unknown>;

interface Model extends Json {
  type?: string;
  vocab?: Record<string, number> | [string, number][];
  unk_token?: string;
  unk_id?: number | null;
  merges?: (string | [string, string])[];
}

function parse(text: string): { root: Json; model: Model } | null {
  try {
    const root = JSON.parse(text) as Json;
    const model = root.model as Model | undefined;
    if (!model || typeof model !== 'object') return null;
    return { root, model };
  } catch {
    return null;
  }
}

const SUPPORTED = new Set(['WordPiece', 'WordLevel', 'BPE', 'Unigram']);

/** Ids a trimmed copy of this tokenizer cannot drop; empty for a tokenizer it cannot trim. */
export function requiredTokenizerIds(text: string | undefined): number[] {
  const parsed = text ? parse(text) : null;
  if (!parsed || !SUPPORTED.has(parsed.model.type ?? '')) return [];
  const { root, model } = parsed;
  const ids: number[] = [];
  for (const t of (root.added_tokens as { id?: number }[] | undefined) ?? []) if (typeof t.id === 'number') ids.push(t.id);
  if (model.type === 'Unigram') {
    if (typeof model.unk_id === 'number') ids.push(model.unk_id);
    return ids;
  }
  const vocab = model.vocab as Record<string, number>;
  if (model.unk_token && vocab[model.unk_token] !== undefined) ids.push(vocab[model.unk_token]);
  if (model.type === 'BPE') for (const [token, id] of Object.entries(vocab)) if ([...token].length === 1) ids.push(id);
  return ids;
}

/**
 * tokenizer.json with only the ids in `teacherIds` (ascending), renumbered 0…n−1 in that order; undefined when the
 * model type is not supported (the student directory then ships no tokenizer, and says why).
 */
export function trimTokenizerJson(text: string, teacherIds: Int32Array): string | undefined {
  const parsed = parse(text);
  if (!parsed || !SUPPORTED.has(parsed.model.type ?? '')) return undefined;
  const { root, model } = parsed;
  const toStudent = new Map<number, number>();
  teacherIds.forEach((t, s) => toStudent.set(t, s));
  const remap = (id: unknown): number | undefined => (typeof id === 'number' ? toStudent.get(id) : undefined);

  if (model.type === 'Unigram') {
    const pieces = model.vocab as [string, number][];
    model.vocab = Array.from(teacherIds, (t) => pieces[t]).filter((x) => x !== undefined);
    model.unk_id = remap(model.unk_id) ?? null;
  } else {
    const vocab = model.vocab as Record<string, number>;
    const kept: Record<string, number> = {};
    for (const [token, id] of Object.entries(vocab)) {
      const s = toStudent.get(id);
      if (s !== undefined) kept[token] = s;
    }
    model.vocab = Object.fromEntries(Object.entries(kept).sort((a, b) => a[1] - b[1]));
    if (model.type === 'BPE' && model.merges) {
      model.merges = model.merges.filter((merge) => {
        const [a, b] = typeof merge === 'string' ? merge.split(' ') : merge;
        return a in kept && b in kept && a + b in kept;
      });
    }
  }
  root.added_tokens = ((root.added_tokens as Json[] | undefined) ?? []).flatMap((t) => {
    const id = remap(t.id);
    return id === undefined ? [] : [{ ...t, id }];
  });
  if (root.post_processor) root.post_processor = remapProcessor(root.post_processor as Json, remap);
  return JSON.stringify(root);
}

/** Token ids inside a post-processor (TemplateProcessing, BertProcessing, RobertaProcessing, Sequence). */
function remapProcessor(p: Json, remap: (id: unknown) => number | undefined): Json {
  const out: Json = { ...p };
  if (Array.isArray(p.processors)) out.processors = (p.processors as Json[]).map((x) => remapProcessor(x, remap));
  for (const key of ['sep', 'cls']) {
    const pair = p[key];
    if (Array.isArray(pair) && pair.length === 2) out[key] = [pair[0], remap(pair[1]) ?? pair[1]];
  }
  const specials = p.special_tokens as Record<string, Json> | undefined;
  if (specials && typeof specials === 'object') {
    out.special_tokens = Object.fromEntries(
      Object.entries(specials).map(([name, s]) => [name, { ...s, ids: Array.isArray(s.ids) ? (s.ids as number[]).map((id) => remap(id) ?? id) : s.ids }]),
    );
  }
  return out;
}
