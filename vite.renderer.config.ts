// Builds the renderer: alone for headless mode and the browser tests, and as the renderer part of
// electron.vite.config.ts, so the desktop app ships the very build that is tested and measured.
import { resolve } from 'node:path'
import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'

export default defineConfig({
  root: resolve('src/renderer'),
  base: './',
  plugins: [react()],
  build: { outDir: resolve('out/renderer'), emptyOutDir: true, minify: true }
})
