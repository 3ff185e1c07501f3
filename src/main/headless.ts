// `npm run headless`: the whole app without Electron. The core runs in this Node process and the renderer
// is served to a browser over the local bridge; prints the URL (with this run's token) to open.
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { Core } from './core/core'
import { startSimulator } from './demo/server'
import { headlessKeys } from './core/settings/keys'
import { defaultDataDir } from './core/storage/paths'
import { JsonFileSettings } from './core/settings/settings'
import { startHeadless } from './headless/server'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      'renderer-dir': { type: 'string' },
      // For a browser that cannot open *.localhost names: serve the page on 127.0.0.1, whose cookie every
      // other server on 127.0.0.1 the browser visits also receives.
      ip: { type: 'boolean' }
    }
  })
  const rendererDir = values['renderer-dir'] ?? join(root, 'out', 'renderer')
  if (!existsSync(join(rendererDir, 'index.html'))) {
    console.error(`No built renderer in ${rendererDir}. Run \`npm run headless\` (it builds first) or \`npm run build\`.`)
    process.exit(2)
  }
  const dataDir = values['data-dir'] ?? defaultDataDir()
  const core = await Core.open({ dataDir, settings: new JsonFileSettings(dataDir), keys: headlessKeys(dataDir), startSimulator })
  const server = await startHeadless(core, { rendererDir, port: values.port ? Number(values.port) : 0, pageHost: values.ip ? 'ip' : 'nonce' })
  console.log(`Batch Studio (headless) — data in ${dataDir}`)
  console.log(`Open: ${server.url}`)
  if (!values.ip) console.log('(If your browser cannot open a *.localhost address, start with `npm run headless -- --ip`.)')
  let closing = false
  const shutdown = async () => {
    if (closing) return
    closing = true
    await server.close()
    await core.close()
    process.exit(0)
  }
  process.on('SIGINT', () => void shutdown())
  process.on('SIGTERM', () => void shutdown())
}

// The last line of defence: every known failure is handled where it happens (a job's history, a notice), so
// one that slips through is logged with its stack for a bug report, and the queue keeps running.
process.on('unhandledRejection', (reason) => console.error('Batch Studio: an unexpected error was not handled (the app keeps running):', reason))

main().catch((err: Error) => {
  console.error(`Batch Studio could not start: ${err.message}`)
  process.exit(1)
})
