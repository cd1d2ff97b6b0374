/**
 * Data slice: the loaded distillation set as the page sees it (a summary; the arrays live in the worker).
 * A file that fails to read never costs the set already loaded: the worker keeps it until a new one has been
 * read, and so does this slice — the card stays, with the failed file's message beside it.
 */
import type { StateCreator } from 'zustand';
import type { SetSummary } from '../engine/training/session.ts';
import type { AppState } from './store.ts';

export interface DataState {
  /** 'loaded' also after a failed read when a set was loaded before it (it still is); 'error': none is. */
  status: 'empty' | 'loading' | 'loaded' | 'error';
  /** The file being read (loading), else the loaded set's (or, with none loaded, the failed one's). */
  fileName: string | null;
  bytesRead: number;
  totalBytes: number;
  summary: SetSummary | null;
  /** Token strings by id (metadata vocab), when the file ships one. */
  vocab: string[] | null;
  labelNames: string[] | null;
  /** Why the last file could not be read (cleared when the next read starts). */
  error: string | null;
  /** The file `error` is about. */
  errorFile: string | null;
  /** Where the loaded set came from: the shipped demo (a link can name it: `#data=demo`) or a file of the person's. */
  source: 'demo' | 'file' | null;
}

/** The teacher weights a student will start from (the arrays stay in their files until Train). */
export interface TeacherWeightsState {
  /** The files' folder (or first file) name, for the card. */
  name: string;
  family: string;
  architecture: string;
  teacherLayers: number;
  dModel: number;
  nHeads: number;
  dFf: number;
  /** Teacher layer of each student layer (model/teacher_init.ts). */
  layers: number[];
  /** Tensors read / in the checkpoint, and the bytes read. */
  reads: number;
  tensors: number;
  bytes: number;
  /** Student tensors left at their random init. */
  notCopied: string[];
}

export interface DataSlice {
  data: DataState;
  dataLoading(fileName: string, totalBytes: number): void;
  dataProgress(bytesRead: number, totalBytes: number): void;
  dataLoaded(summary: SetSummary, vocab?: string[], labelNames?: string[]): void;
  dataFailed(fileName: string, error: string): void;
  /** Says where the set being loaded comes from (kept until the next load). */
  dataSource(source: 'demo' | 'file'): void;
  /** Teacher weights attached (or the reason they cannot be used); null, null detaches. */
  teacherWeights: TeacherWeightsState | null;
  teacherWeightsError: string | null;
  setTeacherWeights(weights: TeacherWeightsState | null, error?: string | null): void;
}

export const EMPTY_DATA: DataState = {
  status: 'empty',
  fileName: null,
  bytesRead: 0,
  totalBytes: 0,
  summary: null,
  vocab: null,
  labelNames: null,
  error: null,
  errorFile: null,
  source: null,
};

export const createDataSlice: StateCreator<AppState, [], [], DataSlice> = (set) => ({
  data: EMPTY_DATA,
  teacherWeights: null,
  teacherWeightsError: null,
  setTeacherWeights: (weights, error = null) => set({ teacherWeights: weights, teacherWeightsError: error }),
  // The loaded set's card stays while another file is read (it is still the worker's until that one is read).
  dataLoading: (fileName, totalBytes) =>
    set((s) => ({ data: { ...s.data, status: 'loading', fileName, bytesRead: 0, totalBytes, error: null, errorFile: null } })),
  dataProgress: (bytesRead, totalBytes) =>
    set((s) => (s.data.status === 'loading' ? { data: { ...s.data, bytesRead, totalBytes } } : {})),
  dataLoaded: (summary, vocab, labelNames) =>
    set((s) => ({
      data: {
        ...s.data,
        status: 'loaded',
        fileName: summary.fileName,
        bytesRead: summary.fileBytes,
        totalBytes: summary.fileBytes,
        summary,
        vocab: vocab ?? null,
        labelNames: labelNames ?? null,
        error: null,
        errorFile: null,
      },
    })),
  // A bad file leaves its message; a set loaded before it stays loaded (in the worker too).
  dataFailed: (fileName, error) =>
    set((s) => {
      const kept = s.data.summary;
      if (!kept) return { data: { ...EMPTY_DATA, status: 'error', fileName, error, errorFile: fileName } };
      return { data: { ...s.data, status: 'loaded', fileName: kept.fileName, bytesRead: kept.fileBytes, totalBytes: kept.fileBytes, error, errorFile: fileName } };
    }),
  dataSource: (source) => set((s) => ({ data: { ...s.data, source } })),
});
