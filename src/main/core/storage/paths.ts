// Where Batch Studio keeps its library. The data folder is the one Electron's app.getPath('userData')
// gives for the product name, so the app, headless mode and the CLI share one database.
import { homedir } from 'node:os'
import { join } from 'node:path'

export const PRODUCT_NAME = 'Batch Studio'

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.BATCH_STUDIO_DATA_DIR) return env.BATCH_STUDIO_DATA_DIR
  const home = homedir()
  if (process.platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), PRODUCT_NAME)
  if (process.platform === 'darwin') return join(home, 'Library', 'Application Support', PRODUCT_NAME)
  return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), PRODUCT_NAME)
}

/** The OS pictures folder / Batch Studio. */
export function defaultOutputRoot(): string {
  return join(homedir(), 'Pictures', PRODUCT_NAME)
}

export function dbPath(dataDir: string): string {
  return join(dataDir, 'library.sqlite')
}

export function thumbsDir(dataDir: string): string {
  return join(dataDir, 'thumbnails')
}
