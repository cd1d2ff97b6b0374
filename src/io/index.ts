/** Public surface of src/io: readers, the contract, writers and the inspect summary. See docs/format.md. */
export { readDistillSet, readTensorFile, pickContainer, READERS, type ContainerReader } from './read.ts';
export { DEFAULT_CHUNK_BYTES, type ReadOptions } from './blob_source.ts';
export { toDistillSet, DEFAULT_FORMAT_VERSION } from './contract.ts';
export { FORMAT_ERROR_CODES, FormatError, type FormatErrorCode, type FormatErrorDetails } from './errors.ts';
export { DEFAULT_MEMORY_BUDGET_BYTES, defaultMemoryBudgetBytes, estimateMemory, formatBytes, type MemoryEstimate, type TensorPlan } from './memory_budget.ts';
export { inspectDistillSet, type InspectSummary } from './inspect.ts';
export { readSafetensors } from './safetensors_read.ts';
export { readNpz } from './npz_read.ts';
export { readJsonl } from './jsonl_read.ts';
export { encodeSafetensors, type SafetensorsDType, type SafetensorsEntry } from './safetensors_write.ts';
export { encodeDistillSet } from './distill_set_write.ts';
export { encodeDistillSetJsonl } from './jsonl_write.ts';
export { f16ToF32, bf16ToF32, f16BitsToNumber, toFloat32, toInt32, toMask } from './dtype_convert.ts';
export type { DType, RawTensor, TensorFile, TypedArray } from './raw_tensor.ts';
export { IGNORE_INDEX } from './distill_set.ts';
export type { DistillSet, DistillMetadata, Task, TeacherOutput } from './distill_set.ts';
