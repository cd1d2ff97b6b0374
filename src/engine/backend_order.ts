/**
 * The tfjs backends, in the order 'auto' tries them and a failed run falls back along: fastest first.
 * No tfjs here (the config schema and the page's recovery read it); backend.ts re-exports it next to
 * selectBackend. Node has no WebGL: its order is this one without it (backend.ts NODE_AUTO_ORDER).
 */
export const BACKEND_ORDER = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type ConcreteBackend = (typeof BACKEND_ORDER)[number];
