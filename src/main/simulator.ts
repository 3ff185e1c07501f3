// `npm run simulator`: the five providers' protocols on 127.0.0.1, on their own, for testing scripts and
// clients offline. Prints each provider's base URL and this run's key (the simulator answers only it, and
// only requests addressed to 127.0.0.1 or localhost); Ctrl+C stops it.
import { randomBytes } from 'node:crypto'
import { parseArgs } from 'node:util'
import { providerInfo } from '../shared/catalogue'
import type { SimProvider } from './demo/engine'
import { startSimulator } from './demo/server'

const PROTOCOLS: readonly SimProvider[] = ['letzai', 'bfl', 'wondercat', 'apixo', 'umrgen']

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '3000' },
      'failure-rate': { type: 'string', default: '0' },
      json: { type: 'boolean' }
    }
  })
  const durationMs = Number(values.duration)
  const failureRate = Number(values['failure-rate'])
  if (!Number.isFinite(durationMs) || durationMs < 0) throw new Error('--duration must be milliseconds (a number ≥ 0)')
  if (!Number.isFinite(failureRate) || failureRate < 0 || failureRate > 1) throw new Error('--failure-rate must be a share from 0 to 1 (0.1 = 10 %)')
  const keys = Object.fromEntries(PROTOCOLS.map((p) => [p, randomBytes(18).toString('base64url')])) as Record<SimProvider, string>
  const sim = await startSimulator({ durationMs, failureRate, keys, urlTtlMs: 600_000 })
  const rows = PROTOCOLS.map((p) => ({
    provider: p,
    baseUrl: sim.baseUrl(p),
    key: keys[p],
    env: `${providerInfo(p).envName}_BASE_URL=${sim.baseUrl(p)} ${providerInfo(p).envName}_API_KEY=${keys[p]}`
  }))
  if (values.json) console.log(JSON.stringify({ providers: rows, files: sim.engine.filesBase }))
  else {
    console.log(`Batch Studio simulator — jobs take ${durationMs} ms, ${Math.round(failureRate * 100)} % fail. Ctrl+C stops it.`)
    for (const r of rows) console.log(`  ${providerInfo(r.provider).label.padEnd(10)} ${r.baseUrl}  key ${r.key}`)
    console.log('\nTo point the app or the CLI at it:')
    for (const r of rows) console.log(`  ${r.env}`)
  }
  const stop = () => void sim.close().then(() => process.exit(0))
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main().catch((err: Error) => {
  console.error(err.message)
  process.exit(2)
})
