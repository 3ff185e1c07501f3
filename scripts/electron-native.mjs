// Builds an Electron-ABI copy of better-sqlite3 beside the Node build, so that tests, the CLI and headless
// mode (plain Node) and the Electron app each load a binary made for their own runtime without a
// rebuild dance. Electron's main process passes the copy to better-sqlite3 through `nativeBinding`.
// Skipped, with a note, when the Electron binary is absent (ELECTRON_SKIP_BINARY_DOWNLOAD=1).
import { existsSync, mkdirSync, cpSync, rmSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { tmpdir } from 'node:os'
import { spawnSync } from 'node:child_process'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(join(root, 'package.json'))

function electronVersion() {
  try {
    const pkgDir = dirname(require.resolve('electron/package.json'))
    const pathTxt = join(pkgDir, 'path.txt')
    if (!existsSync(pathTxt)) return null
    const binary = join(pkgDir, 'dist', readFileSync(pathTxt, 'utf8').trim())
    if (!existsSync(binary)) return null
    return JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version
  } catch {
    return null
  }
}

export function electronBindingPath(version) {
  return join(root, 'native', `electron-${version}-${process.platform}-${process.arch}`, 'better_sqlite3.node')
}

async function main() {
  const version = electronVersion()
  if (!version) {
    console.log('[electron-native] Electron binary not installed: skipping the Electron build of better-sqlite3 (Node tests, CLI and headless mode do not need it).')
    return
  }
  const target = electronBindingPath(version)
  if (existsSync(target)) return
  console.log(`[electron-native] building better-sqlite3 for Electron ${version} …`)
  const work = join(tmpdir(), `batch-studio-native-${process.pid}`)
  rmSync(work, { recursive: true, force: true })
  const moduleDir = join(work, 'node_modules', 'better-sqlite3')
  cpSync(dirname(require.resolve('better-sqlite3/package.json')), moduleDir, {
    recursive: true,
    filter: (src) => !src.includes(`${join('better-sqlite3', 'build')}`)
  })
  // node-gyp against Electron's headers (what @electron/rebuild does, without its git-hosted dependency).
  const nodeGyp = process.env.npm_config_node_gyp ?? require.resolve('node-gyp/bin/node-gyp.js')
  const env = { ...process.env }
  delete env.npm_config_nodedir
  const args = [nodeGyp, 'rebuild', '--release', `--target=${version}`, `--arch=${process.arch}`,
    '--dist-url=https://electronjs.org/headers', '--runtime=electron']
  const result = spawnSync(process.execPath, args, { cwd: moduleDir, env, stdio: 'inherit' })
  if (result.status !== 0) throw new Error(`node-gyp exited with ${result.status}`)
  mkdirSync(dirname(target), { recursive: true })
  cpSync(join(moduleDir, 'build', 'Release', 'better_sqlite3.node'), target)
  rmSync(work, { recursive: true, force: true })
  console.log(`[electron-native] wrote ${target}`)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    // A failed Electron build must not break `npm install` for Node use; `npm start` runs this again.
    console.error(`[electron-native] could not build better-sqlite3 for Electron: ${err.message}`)
    process.exitCode = process.env.npm_lifecycle_event === 'prestart' ? 1 : 0
  })
}
