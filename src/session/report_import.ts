/**
 * Report import: a report.json exported by the page or written by `distill train` becomes a run in the runs
 * table again, optionally with its student (student.safetensors, checked before it is stored).
 */
import { parseReport, type RunRecord } from '../store/run_record.ts';
import { blobBytes, blobText } from './read_blob.ts';
import { newRunId, type StoredWeights } from './run_archive.ts';
import type { Runs } from './runs.ts';

/** A quick sanity check of a safetensors file: 8-byte little-endian header length and a JSON header. */
export function checkSafetensors(bytes: Uint8Array) {
  if (bytes.byteLength < 8) throw new Error('the weights file is too short to be safetensors');
  const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  if (headerLength > bytes.byteLength - 8) throw new Error('the weights file is not safetensors (header length past the end)');
  try {
    JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch {
    throw new Error('the weights file is not safetensors (header is not JSON)');
  }
}

export interface ReportImport {
  /** Re-imports an exported report.json, optionally with its student.safetensors (+ config.json text). */
  importRun(report: Blob, reportName: string, weights?: { safetensors: Blob; configJson?: string }): Promise<RunRecord>;
}

export function createReportImport(deps: { runs: Runs }): ReportImport {
  return {
    async importRun(report, reportName, weights) {
      const id = newRunId('import');
      const record = parseReport(await blobText(report), reportName, id);
      let stored: StoredWeights | undefined;
      if (weights) {
        const bytes = await blobBytes(weights.safetensors);
        checkSafetensors(bytes);
        stored = { id, safetensors: bytes, configJson: weights.configJson ?? JSON.stringify(record.config, null, 2) };
        record.hasWeights = true;
      }
      await deps.runs.save(record, stored);
      return record;
    },
  };
}
