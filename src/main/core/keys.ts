// Where API keys come from. Keys stay in the main process: nothing here is ever sent to the renderer,
// written to a log or stored in a job's history. Headless mode and the CLI read `<NAME>_API_KEY`, then a
// key file: `<NAME>_API_KEY_FILE` if set, else `<dataDir>/keys/<provider>.key`, accepted only when no one
// but its owner can read it (mode 0600 or stricter; not checked on Windows, which has no such bits).
// Error messages name the file and the variable, never the key.
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { providerInfo, type ProviderId } from '../../shared/catalogue'

export interface KeySource {
  get(provider: ProviderId): string | null
}

export function envKeys(env: NodeJS.ProcessEnv = process.env): KeySource {
  return {
    get: (provider) => (provider === 'demo' ? null : env[`${providerInfo(provider).envName}_API_KEY`] || null)
  }
}

/** Where a provider's key came from, or why the key file was refused. */
export interface KeyCheck {
  provider: ProviderId
  source: 'env' | 'file' | 'none'
  /** The environment variable that sets the key (`LETZAI_API_KEY`). */
  envVar: string
  /** The key file looked at: `<NAME>_API_KEY_FILE` or `<dataDir>/keys/<provider>.key`. */
  file: string
  /** Set when a key file exists (or was named) but cannot be used; names the file, never the key. */
  problem: string | null
}

export interface HeadlessKeys extends KeySource {
  /** Writes (or with null removes) `<dataDir>/keys/<provider>.key` with mode 0600. */
  set(provider: ProviderId, key: string | null): void
  check(provider: ProviderId): KeyCheck
}

export class KeyFileError extends Error {
  constructor(
    readonly file: string,
    message: string
  ) {
    super(message)
    this.name = 'KeyFileError'
  }
}

export function keyFilePath(dataDir: string, provider: ProviderId): string {
  return join(dataDir, 'keys', `${provider}.key`)
}

/**
 * Reads a key file, or throws a KeyFileError naming the file when it is unsafe or unusable.
 * Returns null when the file does not exist.
 */
export function readKeyFile(file: string, platform: NodeJS.Platform = process.platform): string | null {
  let st
  try {
    st = statSync(file)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw new KeyFileError(file, `Cannot read key file ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`)
  }
  if (!st.isFile()) throw new KeyFileError(file, `Key file ${file} is not a regular file`)
  if (platform !== 'win32' && (st.mode & 0o077) !== 0) {
    const mode = (st.mode & 0o777).toString(8).padStart(4, '0')
    throw new KeyFileError(file, `Key file ${file} has permissions ${mode}; it must be readable by its owner only: chmod 600 '${file}'`)
  }
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new KeyFileError(file, `Cannot read key file ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`)
  }
  const key = text.trim()
  if (!key) throw new KeyFileError(file, `Key file ${file} is empty`)
  if (/\s/.test(key)) throw new KeyFileError(file, `Key file ${file} must hold the key alone on one line`)
  return key
}

/**
 * Keys for headless mode and the CLI: `<NAME>_API_KEY` wins; else the key file. `get` returns null for a
 * refused file (so the core never sees an unsafe key); `check` says why, for the caller to report.
 */
export function headlessKeys(dataDir: string, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): HeadlessKeys {
  const locate = (provider: ProviderId): { envVar: string; file: string; named: boolean } => {
    const { envName } = providerInfo(provider)
    const named = env[`${envName}_API_KEY_FILE`]
    return { envVar: `${envName}_API_KEY`, file: named ? resolve(named) : keyFilePath(dataDir, provider), named: Boolean(named) }
  }
  const inspect = (provider: ProviderId): { check: KeyCheck; key: string | null } => {
    const { envVar, file, named } = locate(provider)
    const base = { provider, envVar, file }
    if (provider === 'demo') return { check: { ...base, source: 'none', problem: null }, key: null }
    const fromEnv = env[envVar]
    if (fromEnv) return { check: { ...base, source: 'env', problem: null }, key: fromEnv }
    try {
      const key = readKeyFile(file, platform)
      if (key) return { check: { ...base, source: 'file', problem: null }, key }
      return { check: { ...base, source: 'none', problem: named ? `Key file ${file} (from ${envVar}_FILE) does not exist` : null }, key: null }
    } catch (err) {
      return { check: { ...base, source: 'none', problem: (err as Error).message }, key: null }
    }
  }
  return {
    get: (provider) => inspect(provider).key,
    check: (provider) => inspect(provider).check,
    set: (provider, key) => {
      const file = keyFilePath(dataDir, provider)
      if (!key) {
        rmSync(file, { force: true })
        return
      }
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
      const temp = `${file}.tmp`
      writeFileSync(temp, `${key.trim()}\n`, { mode: 0o600 })
      // The umask cannot widen 0600, but an existing temp file keeps its old mode: set it explicitly.
      chmodSync(temp, 0o600)
      renameSync(temp, file)
    }
  }
}

/** True when a provider needs a key to be used (every real provider; not the offline demo). */
export function needsKey(provider: ProviderId): boolean {
  return provider !== 'demo'
}
