#!/usr/bin/env node
// Entry point for `npx distill …`: runs the TypeScript CLI (src/cli/main.ts) through tsx's loader.
import { register } from 'tsx/esm/api';

register();
// Before anything loads tfjs: library prints that are not the CLI's (src/cli/console_filter.ts).
const { installConsoleFilter } = await import('../src/cli/console_filter.ts');
installConsoleFilter();
const { main, registerCommand } = await import('../src/cli/main.ts');
// `distill bench` lives with the benchmark (bench/ imports src/, never the reverse).
const { BENCH_COMMAND } = await import('../bench/command.ts');
registerCommand('bench', BENCH_COMMAND);
const code = await main(process.argv.slice(2));
process.exit(code);
