import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** Where `induction-sim serve` listens during development (`make run`). */
const backendUrl = process.env.BACKEND_URL ?? 'http://127.0.0.1:8000';

/** `/api` goes to the backend; `ws` is on for the live stream that arrives with the dashboard. */
const apiProxy = {
  '/api': { target: backendUrl, ws: true },
};

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: apiProxy,
  },
  preview: {
    host: '127.0.0.1',
    port: 4173,
    proxy: apiProxy,
  },
});
