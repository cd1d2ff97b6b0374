#!/usr/bin/env node
// Entry point for `npx distill …`: runs the TypeScript CLI (src/cli/main.ts) through tsx's loader.
import { register } from 'tsx/esm/api';

register();
// Before anything loads tfjs: library prints that are not the CLI's (src/cli/console_filter.ts).
const { installConsoleFilter } = await import('../src/cli/console_filter.ts');
installConsoleFilter();
const { main } = await import('../src/cli/main.ts');
const code = await main(process.argv.slice(2));
process.exit(code);
