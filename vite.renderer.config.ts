// Builds the renderer alone, for headless mode and the browser tests (the Electron build uses
// electron.vite.config.ts, which builds the same renderer into the same folder).
import { resolve } from 'node:path'
import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'

export default defineConfig({
  root: resolve('src/renderer'),
  base: './',
  plugins: [react()],
  build: { outDir: resolve('out/renderer'), emptyOutDir: true }
})
