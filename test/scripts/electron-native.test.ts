// scripts/electron-native.mjs: which command lines get better-sqlite3 for Electron (the module's prebuilt
// binary first, compiling as the fallback), and that the fallback happens — run with real child processes
// standing in for prebuild-install and node-gyp (no Electron, no downloads here). And the install without
// an Electron binary (ELECTRON_SKIP_BINARY_DOWNLOAD=1) still skips cleanly.
import { spawnSync } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/core'

interface Step {
  name: 'prebuilt' | 'compile'
  command: string
  args: string[]
  cwd: string
  env: NodeJS.ProcessEnv
}
interface Plan {
  skip: string | null
  steps: Step[]
}
interface Native {
  BUILT: string
  nativePlan(o: {
    version: string | null
    platform?: string
    arch?: string
    moduleDir: string
    execPath?: string
    prebuildInstall?: string | null
    nodeGyp?: string | null
    env?: NodeJS.ProcessEnv
  }): Plan
  runPlan(plan: Plan, o: { moduleDir: string; log?: (line: string) => void }): string
}

const SCRIPT = fileURLToPath(new URL('../../scripts/electron-native.mjs', import.meta.url))
let native: Native
const root = tempDir('bs-native-')
beforeAll(async () => {
  // A computed specifier: the script is plain JS with no type declarations.
  native = (await import(pathToFileURL(SCRIPT).href)) as Native
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

const base = {
  version: '41.7.1',
  platform: 'darwin',
  arch: 'arm64',
  moduleDir: '/m',
  execPath: '/usr/bin/node',
  prebuildInstall: '/pi/bin.js',
  nodeGyp: '/gyp/node-gyp.js',
  env: {}
}

describe('electron-native: the plan', () => {
  it('tries the prebuilt Electron binary first, then compiles', () => {
    const plan = native.nativePlan(base)
    expect(plan.skip).toBeNull()
    expect(plan.steps.map((s) => [s.name, s.command, ...s.args])).toEqual([
      ['prebuilt', '/usr/bin/node', '/pi/bin.js', '--runtime', 'electron', '--target', '41.7.1', '--arch', 'arm64', '--platform', 'darwin'],
      [
        'compile',
        '/usr/bin/node',
        '/gyp/node-gyp.js',
        'rebuild',
        '--release',
        '--target=41.7.1',
        '--arch=arm64',
        '--dist-url=https://electronjs.org/headers',
        '--runtime=electron'
      ]
    ])
    expect(plan.steps.every((s) => s.cwd === '/m')).toBe(true)
  })

  it('compiles only when asked to build from source or when prebuild-install is missing', () => {
    for (const env of [{ BATCH_STUDIO_BUILD_FROM_SOURCE: '1' }, { npm_config_build_from_source: 'true' }, { npm_config_build_from_source: 'better-sqlite3' }]) {
      expect(native.nativePlan({ ...base, env }).steps.map((s) => s.name)).toEqual(['compile'])
    }
    expect(native.nativePlan({ ...base, prebuildInstall: null }).steps.map((s) => s.name)).toEqual(['compile'])
    // Without node-gyp, the prebuilt binary is the only way.
    expect(native.nativePlan({ ...base, nodeGyp: null }).steps.map((s) => s.name)).toEqual(['prebuilt'])
  })

  it("does not pass on the installing package's origin (a git install would make prebuild-install refuse to download)", () => {
    const env = {
      npm_package_resolved: 'git+ssh://git@github.com/x/batch-studio.git',
      npm_package_from: 'git+https://x',
      npm_config_nodedir: '/n',
      PATH: '/bin'
    }
    const [prebuilt] = native.nativePlan({ ...base, env }).steps
    expect(prebuilt.env).toEqual({ PATH: '/bin' })
  })

  it('skips, with the reason, when the Electron binary is not installed', () => {
    const plan = native.nativePlan({ ...base, version: null })
    expect(plan.steps).toEqual([])
    expect(plan.skip).toMatch(/Electron binary not installed: skipping/)
  })
})

describe('electron-native: running the plan (child processes standing in for prebuild-install and node-gyp)', () => {
  /** A script that exits with `code`, writing build/Release/better_sqlite3.node in its cwd first if `writes`. */
  const fake = (name: string, code: number, writes: boolean) => {
    const file = join(root, `${name}.cjs`)
    writeFileSync(
      file,
      `const fs = require('node:fs'); const path = require('node:path');
       fs.appendFileSync(path.join(process.cwd(), 'calls.log'), ${JSON.stringify(name)} + ' ' + process.argv.slice(2).join(' ') + '\\n');
       if (${writes}) { fs.mkdirSync('build/Release', { recursive: true }); fs.writeFileSync('build/Release/better_sqlite3.node', ${JSON.stringify(name)}) }
       process.exit(${code})`
    )
    return file
  }
  const moduleDir = (name: string) => {
    const d = join(root, name)
    mkdirSync(d, { recursive: true })
    return d
  }
  const run = (dir: string, prebuildInstall: string, nodeGyp: string) => {
    const log: string[] = []
    const plan = native.nativePlan({ version: '41.7.1', moduleDir: dir, prebuildInstall, nodeGyp, env: { PATH: process.env.PATH } })
    const how = native.runPlan(plan, { moduleDir: dir, log: (l) => log.push(l) })
    return {
      how,
      log,
      calls: spawnSync('cat', [join(dir, 'calls.log')], { encoding: 'utf8' })
        .stdout.trim()
        .split('\n')
    }
  }

  it('uses the prebuilt binary when the download works, and never compiles', () => {
    const { how, calls } = run(moduleDir('ok'), fake('prebuild-ok', 0, true), fake('gyp-ok', 0, true))
    expect(how).toBe('prebuilt')
    expect(calls).toEqual([`prebuild-ok --runtime electron --target 41.7.1 --arch ${process.arch} --platform ${process.platform}`])
  })

  it('compiles when there is no prebuilt binary for the platform', () => {
    const { how, calls, log } = run(moduleDir('none'), fake('prebuild-404', 1, false), fake('gyp-ok', 0, true))
    expect(how).toBe('compile')
    expect(calls.map((c) => c.split(' ')[0])).toEqual(['prebuild-404', 'gyp-ok'])
    expect(log.join('\n')).toMatch(/no prebuilt binary for this platform \(exit 1\); trying the next way/)
  })

  it('compiles when the download claims success but left no binary, and fails naming both when compiling fails too', () => {
    expect(run(moduleDir('empty'), fake('prebuild-empty', 0, false), fake('gyp-ok', 0, true)).how).toBe('compile')
    expect(() => run(moduleDir('both'), fake('prebuild-404', 1, false), fake('gyp-fails', 1, false))).toThrow(
      /no way to get better-sqlite3 for Electron worked \(prebuilt: exit 1; compile: exit 1\)/
    )
  })
})

describe('electron-native: install without the Electron binary', () => {
  it('skips with a note and exits 0 (ELECTRON_SKIP_BINARY_DOWNLOAD=1 installs)', () => {
    // The Electron package is installed here without its binary, as ELECTRON_SKIP_BINARY_DOWNLOAD=1 leaves it.
    const run = spawnSync(process.execPath, [SCRIPT], {
      encoding: 'utf8',
      env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1', npm_lifecycle_event: 'postinstall' }
    })
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(/Electron binary not installed: skipping the Electron build of better-sqlite3/)
  })
})
