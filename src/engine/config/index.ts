export * from './config.ts';
export * from './merge.ts';
export * from './presets.ts';
