// Builds the desktop app's main process and preload exactly as `electron-vite build` does (the project's
// electron.vite.config.ts, resolved by electron-vite itself), but only those two and into the folder given:
// `node build-main.mjs <outDir>` writes <outDir>/main/index.js and <outDir>/preload/index.cjs.
import { resolve } from 'node:path'
import { resolveConfig } from 'electron-vite'
import { build } from 'vite'

const outDir = resolve(process.argv[2] ?? 'out')
const root = resolve(import.meta.dirname, '../../..')
process.env.NODE_ENV_ELECTRON_VITE = 'production'
const { config } = await resolveConfig({ root, configFile: resolve(root, 'electron.vite.config.ts'), logLevel: 'warn' }, 'build', 'production')
if (!config?.main || !config.preload) throw new Error('electron.vite.config.ts has no main or preload build')
for (const target of ['main', 'preload']) {
  const vite = config[target]
  vite.build = { ...vite.build, outDir: resolve(outDir, target), emptyOutDir: true, watch: null }
  await build(vite)
}
