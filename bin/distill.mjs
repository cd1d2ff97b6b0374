#!/usr/bin/env node
// Entry point for `npx distill …`: runs the TypeScript CLI (src/cli/main.ts) through tsx's loader.
import { register } from 'tsx/esm/api';

register();
// tfjs prints a banner about tfjs-node in Node; the CLI's stderr is for progress and errors only.
const warn = console.warn;
console.warn = (...args) => {
  if (typeof args[0] === 'string' && args[0].includes('tfjs-node')) return;
  warn(...args);
};
const { main, registerCommand } = await import('../src/cli/main.ts');
// `distill bench` lives with the benchmark (bench/ imports src/, never the reverse).
const { BENCH_COMMAND } = await import('../bench/command.ts');
registerCommand('bench', BENCH_COMMAND);
const code = await main(process.argv.slice(2));
process.exit(code);
