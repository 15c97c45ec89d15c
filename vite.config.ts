import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { cspMetaTag, devHeader, previewHeader } from './scripts/contentSecurityPolicy.ts';

export default defineConfig({
  plugins: [react(), cspMetaTag()],
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  // The page is served from the root, which is where the React Refresh preamble imports its runtime from.
  server: { headers: { 'Content-Security-Policy': devHeader(react.preambleCode.replace('__BASE__', '/')) } },
  preview: { headers: { 'Content-Security-Policy': previewHeader } },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/builtSite.ts'],
    reporters: ['default', './test/setup/slowestTests.ts'],
    // GPU tests share SwiftShader's two cores: running files in parallel only makes each slower.
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
