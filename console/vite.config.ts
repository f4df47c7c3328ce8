import { fileURLToPath, URL } from 'node:url';
import { defineConfig } from 'vitest/config';
import vue from '@vitejs/plugin-vue';

// The console talks to the gateway on the same origin (POST /graphql): in production
// gateway/src/console-server.ts serves dist/ and proxies /graphql; `vite dev` proxies it too.
export default defineConfig({
  plugins: [vue()],
  resolve: {
    alias: {
      '@': fileURLToPath(new URL('./src', import.meta.url)),
    },
  },
  server: {
    proxy: { '/graphql': { target: process.env.GATEWAY_URL ?? 'http://127.0.0.1:4000', changeOrigin: true } },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
    // processed by vitest, so a test may replace ApexCharts under the real vue3-apexcharts (ResultChart.test.ts)
    server: { deps: { inline: ['vue3-apexcharts'] } },
  },
});
