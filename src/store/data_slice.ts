/** Data slice: the loaded distillation set as the page sees it (a summary; the arrays live in the worker). */
import type { StateCreator } from 'zustand';
import type { SetSummary } from '../engine/training/session.ts';
import type { AppState } from './store.ts';

export interface DataState {
  status: 'empty' | 'loading' | 'loaded' | 'error';
  fileName: string | null;
  bytesRead: number;
  totalBytes: number;
  summary: SetSummary | null;
  /** Token strings by id (metadata vocab), when the file ships one. */
  vocab: string[] | null;
  labelNames: string[] | null;
  error: string | null;
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
  source: null,
};

export const createDataSlice: StateCreator<AppState, [], [], DataSlice> = (set) => ({
  data: EMPTY_DATA,
  teacherWeights: null,
  teacherWeightsError: null,
  setTeacherWeights: (weights, error = null) => set({ teacherWeights: weights, teacherWeightsError: error }),
  dataLoading: (fileName, totalBytes) => set({ data: { ...EMPTY_DATA, status: 'loading', fileName, totalBytes } }),
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
      },
    })),
  // A bad file leaves the message; the previously loaded set is gone in the worker too, so the card clears.
  dataFailed: (fileName, error) => set({ data: { ...EMPTY_DATA, status: 'error', fileName, error } }),
  dataSource: (source) => set((s) => ({ data: { ...s.data, source } })),
});
