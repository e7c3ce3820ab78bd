/// <reference types="vitest/config" />
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: 'web',
  publicDir: here('./public'),
  plugins: [react()],
  resolve: {
    alias: {
      '@model': here('./model'),
      '@server': here('./server'),
      '@web': here('./web'),
    },
  },
  build: { outDir: here('./dist'), emptyOutDir: true, sourcemap: true },
  server: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
    // Only the server's API routes: web/api/*.ts modules are served from the same /api/ prefix.
    proxy: { '^/api/(config|explorer|cluster|dataplane|events|info)(/|\\?|$)': 'http://127.0.0.1:8080' },
  },
  test: {
    root: here('.'),
    include: ['{model,server,web,scripts}/**/*.test.{ts,tsx}'],
    environment: 'node',
    setupFiles: ['web/testing/setup.ts'],
    pool: 'threads',
  },
});
