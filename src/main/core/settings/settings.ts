// Settings as stored (a JSON object) and as the renderer sees them. The Electron shell keeps them with
// electron-store; headless mode and the CLI with JsonFileSettings on the same file (config.json in the
// data folder), so every entry point sees the same settings.
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { PollStrategyName, ProviderId } from '../../../shared/catalogue'
import { writeFileAtomic } from './keys'
import type { Fault, SimProvider } from '../../demo/engine'
import type { PriceOverride } from '../../../shared/pricing'

export interface StoredSettings {
  outputRoot?: string
  defaultProvider?: ProviderId
  demo?: { durationMs?: number; failureRate?: number }
  /**
   * Developer setting (config.json only): faults the built-in simulator injects from start-up, per
   * provider protocol, to see how the app copes, e.g. {"letzai": [{"on": "poll", "fault": "429", "times": 3,
   * "retryAfter": "2"}]}. Faults: 429 500 drop slow malformed unknown_status 401 402 404 403 huge.
   */
  simulatorFaults?: Partial<Record<SimProvider | 'files', Fault[]>>
  /** The user's prices by price-table key (Settings → Prices); the defaults are in shared/pricing.ts. */
  prices?: Record<string, PriceOverride | null>
  providers?: Partial<
    Record<
      ProviderId,
      { baseUrl?: string; strategy?: PollStrategyName; rate?: number; burst?: number; concurrency?: number; maxWaitSeconds?: number; latencySeconds?: number }
    >
  >
}

export interface SettingsStore {
  read(): StoredSettings
  write(next: StoredSettings): void
}

export class JsonFileSettings implements SettingsStore {
  readonly file: string

  constructor(dataDir: string) {
    this.file = join(dataDir, 'config.json')
  }

  read(): StoredSettings {
    if (!existsSync(this.file)) return {}
    try {
      return JSON.parse(readFileSync(this.file, 'utf8')) as StoredSettings
    } catch {
      // A corrupt settings file must not keep the app from starting; defaults apply until the next save.
      return {}
    }
  }

  write(next: StoredSettings): void {
    mkdirSync(dirname(this.file), { recursive: true })
    // Fsynced before the rename: a torn config.json would read as defaults (the output folder among them).
    writeFileAtomic(this.file, JSON.stringify(next, null, 2))
  }
}

/** Settings held in memory only (tests). */
export class MemorySettings implements SettingsStore {
  constructor(private value: StoredSettings = {}) {}
  read(): StoredSettings {
    return structuredClone(this.value)
  }
  write(next: StoredSettings): void {
    this.value = structuredClone(next)
  }
}
