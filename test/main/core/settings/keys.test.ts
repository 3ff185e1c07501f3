// keys.json, the desktop app's saved keys (sealedKeys), with a real AES-GCM cipher standing in for
// Electron's safeStorage: a key another keychain sealed is reported for its provider alone and can be
// replaced; a damaged file never stops anything and is kept aside; a write cut short by a full disk (a
// child under a file-size limit) leaves the old file whole; the plain-text fallback is warned about.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildSync } from 'esbuild'
import { afterAll, describe, expect, it } from 'vitest'
import { headlessKeys, sealedKeys } from '../../../../src/main/core/settings/keys'
import { JsonFileSettings } from '../../../../src/main/core/settings/settings'
import { tempDir } from '../../../helpers/core'
import { testCipher } from './keys-cipher'

const dirs: string[] = []
const dir = () => {
  const d = tempDir('bs-keys-')
  dirs.push(d)
  return d
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

const keychain = testCipher('keychain-a')
const otherKeychain = testCipher('keychain-b')

describe('sealedKeys (keys.json)', () => {
  it('seals each key, keeps the file owner-only, and never writes a key in the clear', () => {
    const file = join(dir(), 'keys.json')
    const keys = sealedKeys(file, keychain, {})
    keys.set('letzai', 'sk-letz-123')
    keys.set('bfl', 'bfl-456')
    expect(keys.get('letzai')).toBe('sk-letz-123')
    expect(keys.get('bfl')).toBe('bfl-456')
    expect(keys.check('letzai')).toMatchObject({ source: 'file', problem: null })
    const text = readFileSync(file, 'utf8')
    expect(text).not.toContain('sk-letz-123')
    expect(Object.keys(JSON.parse(text) as object).sort()).toEqual(['bfl', 'letzai'])
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600)
    keys.set('bfl', null)
    expect(keys.get('bfl')).toBeNull()
    expect(readdirSync(join(file, '..'))).toEqual(['keys.json'])
  })

  it('reports a key the keychain cannot decrypt for that provider only, and lets it be replaced', () => {
    const file = join(dir(), 'keys.json')
    // Sealed by another keychain (a reset keychain, a profile copied from another account).
    sealedKeys(file, otherKeychain, {}).set('letzai', 'sk-old')
    const keys = sealedKeys(file, keychain, {})
    keys.set('bfl', 'bfl-good')

    expect(() => keys.get('letzai')).not.toThrow()
    expect(keys.get('letzai')).toBeNull()
    const check = keys.check('letzai')
    expect(check.source).toBe('none')
    expect(check.problem).toMatch(/The saved LetzAI key cannot be decrypted .*enter the LetzAI key again in Settings/)
    expect(check.problem).not.toContain('sk-old')
    // The other provider is untouched.
    expect(keys.get('bfl')).toBe('bfl-good')
    expect(keys.check('bfl').problem).toBeNull()

    // The environment's key stands in until then, and the problem says so.
    const withEnv = sealedKeys(file, keychain, { LETZAI_API_KEY: 'sk-env' })
    expect(withEnv.get('letzai')).toBe('sk-env')
    expect(withEnv.check('letzai')).toMatchObject({ source: 'env' })
    expect(withEnv.check('letzai').problem).toMatch(/until then LETZAI_API_KEY is used/)

    keys.set('letzai', 'sk-new')
    expect(keys.get('letzai')).toBe('sk-new')
    expect(keys.check('letzai').problem).toBeNull()
    expect(keys.get('bfl')).toBe('bfl-good')
  })

  it('survives a damaged keys.json: every key reported, nothing thrown, the file kept aside on the next save', () => {
    const d = dir()
    const file = join(d, 'keys.json')
    for (const damaged of ['{"letzai": "abc', '[1,2]', 'null', '']) {
      writeFileSync(file, damaged)
      const keys = sealedKeys(file, keychain, {})
      expect(keys.get('letzai')).toBeNull()
      expect(keys.check('bfl').problem).toMatch(/keys\.json is damaged/)
    }
    writeFileSync(file, '{"letzai": 42, "bfl": ""}')
    const keys = sealedKeys(file, keychain, {})
    expect(keys.check('letzai').problem).toMatch(/not a sealed key/)

    writeFileSync(file, '{"letzai": "abc')
    keys.set('letzai', 'sk-fresh')
    expect(keys.get('letzai')).toBe('sk-fresh')
    const aside = readdirSync(d).filter((n) => n.startsWith('keys.json.damaged-'))
    expect(aside).toHaveLength(1)
    expect(readFileSync(join(d, aside[0]), 'utf8')).toBe('{"letzai": "abc')
  })

  it(
    'leaves the old keys.json (and config.json) whole when a save is cut short (a child under a file-size limit)',
    { timeout: 60_000, skip: process.platform === 'win32' },
    () => {
      const d = dir()
      const file = join(d, 'keys.json')
      const keys = sealedKeys(file, keychain, {})
      keys.set('letzai', 'sk-keep-me')
      const before = readFileSync(file, 'utf8')
      expect(before.length).toBeLessThan(1024)

      const child = join(d, 'keys-child.cjs')
      buildSync({
        entryPoints: [fileURLToPath(new URL('./keys-child.ts', import.meta.url))],
        outfile: child,
        bundle: true,
        platform: 'node',
        format: 'cjs',
        logLevel: 'error'
      })
      // ulimit -f 1: no file may grow past one block (512 B in dash, 1 KiB in bash); a 4 KiB key cannot be
      // written. The write fails with EFBIG, or the process dies of SIGXFSZ half-way: either way, mid-write.
      const big = 'k'.repeat(4096)
      const quoted = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`
      const run = spawnSync('sh', ['-c', `ulimit -f 1 && exec ${quoted(process.execPath)} ${quoted(child)} ${quoted(file)} bfl ${big}`], { encoding: 'utf8' })
      expect(run.stdout).not.toContain('saved')
      expect(run.status !== 0 || run.signal !== null).toBe(true)

      expect(readFileSync(file, 'utf8')).toBe(before)
      expect(sealedKeys(file, keychain, {}).get('letzai')).toBe('sk-keep-me')
      // The failed attempt's temp file is gone, or at worst left beside it — never in place of keys.json.
      expect(readdirSync(d).filter((n) => n.startsWith('keys.json') && n !== 'keys.json' && !n.endsWith('.tmp'))).toEqual([])

      // config.json (headless mode and the CLI) the same way: the output folder must not fall back to the default.
      const settings = new JsonFileSettings(d)
      settings.write({ outputRoot: '/Volumes/Big/Batch Studio' })
      const cut = spawnSync('sh', ['-c', `ulimit -f 1 && exec ${quoted(process.execPath)} ${quoted(child)} settings ${quoted(d)} ${big}`], { encoding: 'utf8' })
      expect(cut.stdout).not.toContain('saved')
      expect(new JsonFileSettings(d).read()).toEqual({ outputRoot: '/Volumes/Big/Batch Studio' })
    }
  )

  it('warns when the keychain is the plain-text fallback (Linux basic_text) or missing', () => {
    const file = join(dir(), 'keys.json')
    expect(sealedKeys(file, testCipher('a', 'gnome_libsecret'), {}, 'linux').warning()).toBeNull()
    expect(sealedKeys(file, testCipher('a', 'basic_text'), {}, 'linux').warning()).toMatch(/No system keychain .*no better than plain text/)
    // Only Linux has the fallback; elsewhere the backend is not consulted.
    expect(sealedKeys(file, testCipher('a', 'basic_text'), {}, 'darwin').warning()).toBeNull()
    const none = sealedKeys(file, testCipher('a', 'unknown', false), {}, 'linux')
    expect(none.warning()).toMatch(/no keychain/)
    expect(() => none.set('letzai', 'sk')).toThrow(/no keychain to encrypt the key/)
    expect(existsSync(file)).toBe(false)
  })
})

describe('headlessKeys', () => {
  it('writes key files atomically (no temp file left, mode 0600)', () => {
    const d = dir()
    const keys = headlessKeys(d, {})
    keys.set('letzai', 'sk-file')
    keys.set('letzai', 'sk-file-2')
    expect(keys.get('letzai')).toBe('sk-file-2')
    expect(readdirSync(join(d, 'keys'))).toEqual(['letzai.key'])
    if (process.platform !== 'win32') expect(statSync(join(d, 'keys', 'letzai.key')).mode & 0o777).toBe(0o600)
  })
})
