// Puts an Electron-ABI copy of better-sqlite3 beside the Node build, so that tests, the CLI and headless
// mode (plain Node) and the Electron app each load a binary made for their own runtime without a
// rebuild dance. Electron's main process passes the copy to better-sqlite3 through `nativeBinding`.
// The module's prebuilt Electron binary is used when one exists for the platform (no compiler needed);
// otherwise it is compiled from source (needs Python and a C++ toolchain). Skipped, with a note, when the
// Electron binary is absent (ELECTRON_SKIP_BINARY_DOWNLOAD=1).
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

/** Where both ways of getting the binary leave it, relative to the module folder. */
export const BUILT = join('build', 'Release', 'better_sqlite3.node')

/**
 * The ways to get better-sqlite3 for Electron `version`, in the order to try them, as command lines run in
 * `moduleDir` (a copy of the module). First the module's prebuilt Electron binary (prebuild-install, the
 * module's own install step, asked for the electron runtime: a download, no compiler); then compiling it
 * with node-gyp against Electron's headers (needs a C++ toolchain). `--build-from-source`
 * (npm_config_build_from_source=true or =better-sqlite3) or BATCH_STUDIO_BUILD_FROM_SOURCE=1 skips the
 * download. Returns no steps, with the reason, when Electron itself is not installed.
 */
export function nativePlan({
  version,
  platform = process.platform,
  arch = process.arch,
  moduleDir,
  execPath = process.execPath,
  prebuildInstall,
  nodeGyp,
  env = process.env
}) {
  if (!version) {
    return {
      skip: 'Electron binary not installed: skipping the Electron build of better-sqlite3 (Node tests, CLI and headless mode do not need it).',
      steps: []
    }
  }
  const base = { ...env }
  // These describe the package being installed (Batch Studio, perhaps from git), not better-sqlite3:
  // prebuild-install would take a git origin as a reason not to download.
  delete base.npm_package_from
  delete base.npm_package_resolved
  delete base.npm_config_nodedir
  const steps = []
  const fromSource =
    env.BATCH_STUDIO_BUILD_FROM_SOURCE === '1' || env.npm_config_build_from_source === 'true' || env.npm_config_build_from_source === 'better-sqlite3'
  if (prebuildInstall && !fromSource) {
    steps.push({
      name: 'prebuilt',
      command: execPath,
      args: [prebuildInstall, '--runtime', 'electron', '--target', version, '--arch', arch, '--platform', platform],
      cwd: moduleDir,
      env: base
    })
  }
  if (nodeGyp) {
    steps.push({
      name: 'compile',
      command: execPath,
      // What @electron/rebuild does, without its git-hosted dependency.
      args: [nodeGyp, 'rebuild', '--release', `--target=${version}`, `--arch=${arch}`, '--dist-url=https://electronjs.org/headers', '--runtime=electron'],
      cwd: moduleDir,
      env: base
    })
  }
  return { skip: null, steps }
}

/**
 * Runs the plan's steps in order until one leaves the binary in place; returns that step's name. A step
 * that exits 0 without the binary counts as failed. Throws, naming every failure, when none works.
 */
export function runPlan(
  plan,
  { moduleDir, run = (step) => spawnSync(step.command, step.args, { cwd: step.cwd, env: step.env, stdio: 'inherit' }), log = console.log } = {}
) {
  const failures = []
  for (const step of plan.steps) {
    const built = join(moduleDir, BUILT)
    rmSync(built, { force: true })
    const result = run(step)
    if (result.status === 0 && existsSync(built)) return step.name
    const why = result.error ? result.error.message : result.status === 0 ? `no ${BUILT}` : `exit ${result.status ?? result.signal}`
    failures.push(`${step.name}: ${why}`)
    log(
      `[electron-native] ${step.name === 'prebuilt' ? 'no prebuilt binary for this platform' : step.name} (${why})${step === plan.steps.at(-1) ? '' : '; trying the next way'}`
    )
  }
  throw new Error(`no way to get better-sqlite3 for Electron worked (${failures.join('; ') || 'nothing to try'})`)
}

function resolveOptional(id) {
  try {
    return require.resolve(id)
  } catch {
    return null
  }
}

async function main() {
  const version = electronVersion()
  const target = version && electronBindingPath(version)
  if (target && existsSync(target)) return
  const work = join(tmpdir(), `batch-studio-native-${process.pid}`)
  const moduleDir = join(work, 'node_modules', 'better-sqlite3')
  const betterDir = dirname(require.resolve('better-sqlite3/package.json'))
  const modRequire = createRequire(join(betterDir, 'package.json'))
  const plan = nativePlan({
    version,
    moduleDir,
    // better-sqlite3's own dependency, resolved from the module as its install script would.
    prebuildInstall: (() => {
      try {
        return modRequire.resolve('prebuild-install/bin.js')
      } catch {
        return resolveOptional('prebuild-install/bin.js')
      }
    })(),
    nodeGyp: process.env.npm_config_node_gyp ?? resolveOptional('node-gyp/bin/node-gyp.js')
  })
  if (plan.skip) {
    console.log(`[electron-native] ${plan.skip}`)
    return
  }
  console.log(`[electron-native] getting better-sqlite3 for Electron ${version} (${plan.steps.map((s) => s.name).join(', then ')}) …`)
  rmSync(work, { recursive: true, force: true })
  cpSync(betterDir, moduleDir, {
    recursive: true,
    filter: (src) => !src.includes(`${join('better-sqlite3', 'build')}`)
  })
  try {
    const how = runPlan(plan, { moduleDir })
    mkdirSync(dirname(target), { recursive: true })
    cpSync(join(moduleDir, BUILT), target)
    console.log(`[electron-native] wrote ${target} (${how === 'prebuilt' ? 'prebuilt binary' : 'compiled from source'})`)
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    // A failed Electron build must not break `npm install` for Node use; `npm start` runs this again.
    console.error(`[electron-native] could not build better-sqlite3 for Electron: ${err.message}`)
    process.exitCode = process.env.npm_lifecycle_event === 'prestart' ? 1 : 0
  })
}
