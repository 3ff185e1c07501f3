// The CLI and costs, end to end: the real `batch-studio` bin in child processes against a simulator this test
// owns. `run` prints the estimate before queuing, `--dry-run` stops there, `--max-cost` sends exactly the jobs
// that fit and exits 1 with the reason, and `status --json` carries the ledger's totals.
import { spawn } from 'node:child_process'
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSimulator, type Simulator } from '../../src/main/demo/server'
import { tempDir } from '../helpers/core'

const BIN = fileURLToPath(new URL('../../bin/batch-studio.mjs', import.meta.url))

interface Result {
  code: number | null
  stdout: string
  stderr: string
}

function cli(args: string[], extra: Record<string, string>): Promise<Result> {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) if (!/(_API_KEY|_API_KEY_FILE|_BASE_URL)$|^BATCH_STUDIO_/.test(k)) env[k] = v
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })))
}

const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>

describe('batch-studio CLI costs', () => {
  let sim: Simulator
  const dirs: string[] = []
  const setup = () => {
    const dir = tempDir('bs-cli-costs-')
    dirs.push(dir)
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ outputRoot: join(dir, 'out'), providers: { demo: { strategy: 'exponential' } } }))
    const prompts = join(dir, 'prompts.txt')
    writeFileSync(prompts, Array.from({ length: 12 }, (_, i) => `cost prompt ${i}`).join('\n'))
    return { dir, prompts, env: { BATCH_STUDIO_DATA_DIR: dir, DEMO_BASE_URL: sim.baseUrl('letzai') } }
  }
  beforeAll(async () => {
    sim = await startSimulator({ durationMs: 300, failureRate: 0 })
  })
  afterAll(async () => {
    await sim?.close()
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  })

  it('--dry-run prints the estimate and queues nothing', async () => {
    const { dir, prompts, env } = setup()
    const before = sim.engine.ledger.size
    const r = await cli(['run', '--provider', 'demo', '--prompts', prompts, '--count', '2', '--dry-run', '--json'], env)
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toContain('Estimated cost: 24 jobs ≈ $0.72')
    expect(lastJson(r.stdout)).toMatchObject({ jobs: [], estimate: { jobs: 24, totals: { usd: 0.72 }, unknown: [] } })
    expect(sim.engine.ledger.size).toBe(before)
    const status = lastJson((await cli(['status', '--json'], { BATCH_STUDIO_DATA_DIR: dir })).stdout)
    expect(status.total).toBe(0)
  })

  it('names the models of unknown price, and --max-cost refuses them without --allow-unknown-cost', async () => {
    const { prompts, env } = setup()
    const dry = await cli(['run', '--provider', 'umrgen', '--prompts', prompts, '--dry-run'], env)
    expect(dry.code).toBe(0)
    expect(dry.stdout).toBe('Estimated cost: 12 jobs cost unknown; unknown price (not counted): UMRGEN / default (12 jobs)\n')
    const capped = await cli(['run', '--provider', 'umrgen', '--prompts', prompts, '--max-cost', '1'], env)
    expect(capped.code).toBe(2)
    expect(capped.stderr).toMatch(/--max-cost cannot hold back jobs of unknown price \(umrgen\/default\)/)
  })

  it('--max-cost sends exactly the jobs that fit, exits 1 with the reason, and status --json has the totals', { timeout: 60_000 }, async () => {
    const { dir, prompts, env } = setup()
    const before = [...sim.engine.submitsByPrompt().values()].reduce((a, b) => a + b, 0)
    const r = await cli(['run', '--provider', 'demo', '--prompts', prompts, '--max-cost', '$0.15', '--json'], env)
    expect(r.code, r.stderr).toBe(1)
    expect(r.stderr).toContain('Estimated cost: 12 jobs ≈ $0.36')
    expect(r.stderr).toMatch(
      /error: Budget reached: Batch “prompts\.txt” has \$0\.15 spent or reserved of its \$0\.15 cap, and the next job would cost \$0\.03\. The unsent jobs are kept queued/
    )
    const after = [...sim.engine.submitsByPrompt().values()].reduce((a, b) => a + b, 0)
    expect(after - before).toBe(5)
    const run = lastJson(r.stdout) as { jobs: { status: string }[]; costs: { spent: { usd: number }; estimated: { usd: number } } }
    expect(run.jobs.filter((j) => j.status === 'done')).toHaveLength(5)
    expect(run.jobs.filter((j) => j.status === 'queued')).toHaveLength(7)
    expect(run.costs.spent.usd).toBeCloseTo(0.15, 9)
    expect(run.costs.estimated.usd).toBeCloseTo(0.36, 9)
    const status = lastJson((await cli(['status', '--json'], { BATCH_STUDIO_DATA_DIR: dir })).stdout) as {
      costs: { total: { spent: { usd: number } }; byProvider: { provider: string }[]; byDay: { day: string }[] }
    }
    expect(status.costs.total.spent.usd).toBeCloseTo(0.15, 9)
    expect(status.costs.byProvider.map((p) => p.provider)).toEqual(['demo'])
    expect(status.costs.byDay.map((d) => d.day)).toContain('not sent')
    const text = await cli(['status'], { BATCH_STUDIO_DATA_DIR: dir })
    expect(text.stdout).toContain('Cost: spent $0.15')
  })
})
