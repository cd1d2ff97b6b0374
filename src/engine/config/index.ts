export * from './schema.ts';
export * from './config.ts';
export * from './validate.ts';
export * from './merge.ts';
export * from './presets.ts';
export * from './auto.ts';
