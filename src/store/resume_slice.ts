/**
 * Resume slice: an unfinished run found in IndexedDB when the page opened (its checkpoint outlived a reload,
 * a closed tab or a crash), offered to the person until they resume it, discard it, or start another run.
 */
import type { StateCreator } from 'zustand';
import type { AppState } from './store.ts';

export interface ResumeOffer {
  runId: string;
  step: number;
  totalSteps: number;
  /** ms since the epoch of the checkpoint. */
  savedAt: number;
  fileName: string;
  fileBytes: number;
  /** The data file is stored with the checkpoint; otherwise the person drops the same file again. */
  setStored: boolean;
  /** The run had failed after its checkpoint (the reason). */
  failed: string | null;
  /** For a file that is not stored: whether the loaded file is the one the run needs (null: none yet). */
  fileMatches: boolean | null;
  /** Why the last resume attempt failed, or why the loaded file does not match. */
  message: string | null;
}

export interface ResumeSlice {
  resume: { offer: ResumeOffer | null };
  offerResume(offer: ResumeOffer | null): void;
  updateOffer(patch: Partial<Pick<ResumeOffer, 'fileMatches' | 'message'>>): void;
}

export const createResumeSlice: StateCreator<AppState, [], [], ResumeSlice> = (set) => ({
  resume: { offer: null },
  offerResume: (offer) => set({ resume: { offer } }),
  updateOffer: (patch) => set((s) => (s.resume.offer ? { resume: { offer: { ...s.resume.offer, ...patch } } } : {})),
});
