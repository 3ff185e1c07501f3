// Where API keys come from. Keys stay in the main process: nothing here is ever sent to the renderer,
// written to a log or stored in a job's history. Headless mode and the CLI read `<NAME>_API_KEY`, then a
// key file: `<NAME>_API_KEY_FILE` if set, else `<dataDir>/keys/<provider>.key`, accepted only when no one
// but its owner can read it (mode 0600 or stricter; not checked on Windows, which has no such bits).
// Error messages name the file and the variable, never the key.
// The desktop app keeps keys entered in Settings in `<dataDir>/keys.json`, each sealed by the OS keychain
// (Electron's safeStorage, which the shell passes in as a KeyCipher: this module never imports electron).
// Every file here is written atomically: a temp file, fsynced, renamed over the old one.
import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { providerInfo, type ProviderId } from '../../../shared/catalogue'

export interface KeySource {
  get(provider: ProviderId): string | null
}

export function envKeys(env: NodeJS.ProcessEnv = process.env): KeySource {
  return {
    get: (provider) => (providerInfo(provider).simulated ? null : env[`${providerInfo(provider).envName}_API_KEY`] || null)
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
    if (providerInfo(provider).simulated) return { check: { ...base, source: 'none', problem: null }, key: null }
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
      writeFileAtomic(file, `${key.trim()}\n`)
    }
  }
}

/**
 * Replaces `file` with `text` (mode 0600) so that a crash, a full disk or a power cut leaves the old file
 * or the new one, never a mix: written to a temp file beside it, fsynced, renamed over it, the folder fsynced.
 */
export function writeFileAtomic(file: string, text: string): void {
  const temp = `${file}.${process.pid}.tmp`
  let fd: number | null = null
  try {
    fd = openSync(temp, 'w', 0o600)
    // The umask cannot widen 0600, but an existing temp file keeps its old mode: set it explicitly.
    chmodSync(temp, 0o600)
    const data = Buffer.from(text)
    for (let at = 0; at < data.length;) at += writeSync(fd, data, at)
    fsyncSync(fd)
    closeSync(fd)
    fd = null
    renameSync(temp, file)
  } catch (err) {
    if (fd !== null) closeSync(fd)
    rmSync(temp, { force: true })
    throw err
  }
  if (process.platform !== 'win32') {
    // The rename itself is durable once the folder is.
    try {
      const dir = openSync(dirname(file), 'r')
      try {
        fsyncSync(dir)
      } finally {
        closeSync(dir)
      }
    } catch {
      // Some file systems refuse to fsync a folder; the file itself is already safe.
    }
  }
}

/** The part of Electron's safeStorage that keys.json needs; the shell passes `safeStorage` itself. */
export interface KeyCipher {
  isEncryptionAvailable(): boolean
  encryptString(plainText: string): Buffer
  decryptString(encrypted: Buffer): string
  /** Linux: the secret store Electron chose; `basic_text` is its plain-text fallback (no keychain found). */
  getSelectedStorageBackend?(): string
}

export interface SealedKeys extends KeySource {
  /** Seals and saves a provider's key (null removes it); other providers' entries are kept as they are. */
  set(provider: ProviderId, key: string | null): void
  /** Where the key comes from and, if a saved key cannot be used, why (per provider; never the key). */
  check(provider: ProviderId): KeyCheck
  /** Set when keys saved here are not really protected (the plain-text fallback) or cannot be saved at all. */
  warning(): string | null
}

type ReadKeys = { entries: Record<string, unknown>; problem: string | null }

/**
 * Keys for the desktop app: `<dataDir>/keys.json` (`{"letzai": "<base64 of the sealed key>"}`), sealed by
 * the OS keychain; `<NAME>_API_KEY` when none is saved. Nothing here throws for a bad file or a key that
 * no longer decrypts (a reset keychain, a copied profile): `get` returns the environment's key or null,
 * `check` says what is wrong with that provider's saved key, and `set` replaces it — so Settings always
 * loads and the user can enter the key again.
 */
export function sealedKeys(file: string, cipher: KeyCipher, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): SealedKeys {
  const fromEnv = envKeys(env)
  const read = (): ReadKeys => {
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { entries: {}, problem: null }
      return {
        entries: {},
        problem: `Cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'}): saved keys cannot be used; enter them again in Settings`
      }
    }
    try {
      const parsed: unknown = JSON.parse(text)
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return { entries: parsed as Record<string, unknown>, problem: null }
    } catch {
      // Reported below.
    }
    return { entries: {}, problem: `${file} is damaged: saved keys cannot be used; enter them again in Settings (the damaged file is kept aside when you do)` }
  }
  const inspect = (provider: ProviderId): { check: KeyCheck; key: string | null } => {
    const { envName, label } = providerInfo(provider)
    const envVar = `${envName}_API_KEY`
    const base = { provider, envVar, file }
    if (providerInfo(provider).simulated) return { check: { ...base, source: 'none', problem: null }, key: null }
    const envKey = fromEnv.get(provider)
    const fallback = (problem: string | null) => ({ check: { ...base, source: envKey ? ('env' as const) : ('none' as const), problem }, key: envKey })
    const { entries, problem } = read()
    if (problem) return fallback(problem)
    const sealed = entries[provider]
    if (sealed === undefined) return fallback(null)
    const again = `enter the ${label} key again in Settings${envKey ? ` (until then ${envVar} is used)` : ''}`
    if (typeof sealed !== 'string' || !sealed) return fallback(`The saved ${label} key in ${file} is not a sealed key: ${again}`)
    try {
      const key = cipher.decryptString(Buffer.from(sealed, 'base64'))
      if (!key) return fallback(`The saved ${label} key is empty: ${again}`)
      return { check: { ...base, source: 'file', problem: null }, key }
    } catch {
      return fallback(
        `The saved ${label} key cannot be decrypted (the system keychain was reset or changed, or the data folder was copied from another account or computer): ${again}`
      )
    }
  }
  return {
    get: (provider) => inspect(provider).key,
    check: (provider) => inspect(provider).check,
    warning: () => {
      if (!cipher.isEncryptionAvailable())
        return 'This system offers no keychain to encrypt keys: keys cannot be saved in Settings; set the <NAME>_API_KEY environment variables instead.'
      if (platform === 'linux' && cipher.getSelectedStorageBackend?.() === 'basic_text') {
        return (
          'No system keychain (GNOME Keyring / KWallet / libsecret) was found: keys saved in Settings are stored in keys.json with a fixed, ' +
          'publicly known key, which protects them no better than plain text. Start a keychain (e.g. gnome-keyring) and enter the keys again, ' +
          'or use the <NAME>_API_KEY environment variables.'
        )
      }
      return null
    },
    set: (provider, key) => {
      if (key && !cipher.isEncryptionAvailable()) throw new Error('This system offers no keychain to encrypt the key; set the environment variable instead')
      const { entries, problem } = read()
      // A damaged file is kept aside, not overwritten: nothing in it is lost for good.
      if (problem) {
        try {
          renameSync(file, `${file}.damaged-${Date.now()}`)
        } catch {
          // Unreadable and unmovable: the new file replaces it.
        }
      }
      const next = { ...entries }
      if (key) next[provider] = cipher.encryptString(key.trim()).toString('base64')
      else delete next[provider]
      mkdirSync(dirname(file), { recursive: true })
      writeFileAtomic(file, JSON.stringify(next))
    }
  }
}

/** True when a provider needs a key to be used (every real provider; not the offline demo). */
export function needsKey(provider: ProviderId): boolean {
  return !providerInfo(provider).simulated
}
