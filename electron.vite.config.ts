import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import renderer from './vite.renderer.config'

export default defineConfig({
  main: {
    build: {
      rollupOptions: { input: { index: resolve('src/main/index.ts') } }
    }
  },
  preload: {
    // A sandboxed preload can only require('electron'): everything else (zod, the contract) is bundled in,
    // and it must be CommonJS.
    build: {
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs' }
      }
    }
  },
  // The same build as headless mode's, minified like it (electron-vite leaves it unminified by default).
  renderer
})
