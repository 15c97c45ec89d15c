#!/usr/bin/env node
// The `continuum` command. It runs the TypeScript sources directly through tsx, so the CLI, the
// tests and the app share one copy of the engine with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
