// Builds the renderer: alone for headless mode and the browser tests, and as the renderer part of
// electron.vite.config.ts, so the desktop app ships the very build that is tested and measured. Each build
// of it also builds the renderer's server entry (src/renderer/src/server.tsx), with which main renders the
// Queue's first screen into the page, to a folder beside it.
import { resolve } from 'node:path'
import { build, defineConfig, type Plugin } from 'vite'
import react from '@vitejs/plugin-react'
// With its extension: Vite loads its config with Node's own loader, which does not guess one.
import { firstScreenModule } from './src/shared/firstScreen.ts'

const root = resolve('src/renderer')

/** After the page's build, the server entry's: one file for Node with React and the app bundled in. */
function firstScreenServer(): Plugin {
  let outDir = ''
  return {
    name: 'batch-studio:first-screen-server',
    apply: 'build',
    configResolved: (config) => void (outDir = resolve(config.root, config.build.outDir)),
    async closeBundle() {
      const file = firstScreenModule(outDir)
      await build({
        configFile: false,
        root,
        logLevel: 'warn',
        publicDir: false,
        plugins: [react()],
        define: { 'process.env.NODE_ENV': JSON.stringify('production') },
        ssr: { noExternal: true, target: 'node' },
        build: {
          ssr: resolve(root, 'src/server.tsx'),
          outDir: resolve(file, '..'),
          emptyOutDir: true,
          minify: false,
          rollupOptions: { output: { entryFileNames: 'first-screen.js', format: 'es' } }
        }
      })
    }
  }
}

export default defineConfig({
  root,
  base: './',
  plugins: [react(), firstScreenServer()],
  build: { outDir: resolve('out/renderer'), emptyOutDir: true, minify: true }
})
