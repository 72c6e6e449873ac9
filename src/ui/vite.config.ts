import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

// Relative asset URLs: the server injects <base href> with the --base-path at serve time,
// so one build works under "/" and under "/jaeger".
export default defineConfig({
  root: path.join(here, 'app'),
  base: './',
  plugins: [react()],
  logLevel: 'warn',
  build: {
    outDir: path.join(here, 'dist'),
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1024,
  },
});
