// Global setup: one directory per test run for the production build, so the files that test the
// built page (build.test.ts, security.test.ts) share one `vite build` instead of each running it.
// The first file that needs the build writes it (useBuiltSite in test/helpers/browser.ts); files
// run one after another (fileParallelism: false), so no two of them build at once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    builtSiteDir: string;
  }
}

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'continuum-build-'));
  project.provide('builtSiteDir', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
