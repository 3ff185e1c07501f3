// A budget across SIGKILLs: a child process (budget-crash-child.ts) runs a batch of 120 Demo jobs capped at
// N jobs' worth with 32 requests in flight against the simulator this test owns, and is killed with SIGKILL,
// then resumed on the same database. The reservation is written in the submit intent's own transaction, so:
//   1. killed inside the simulator's submit handler, mid-wave with submits in flight: after the resume the
//      reservations are exactly N, every one of them is a submit the simulator received or a job left
//      needing attention (possibly billed), nothing is sent twice, and the ledger's totals match the jobs;
//   2. killed once the cap is fully reserved: the resumed run sends nothing more, so the simulator has
//      received exactly N submits.
import { spawn, type ChildProcess } from 'node:child_process'
import { rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { openDb } from '../../../../src/main/core/storage/db'
import { Ledger } from '../../../../src/main/core/storage/ledger'
import { dbPath } from '../../../../src/main/core/storage/paths'
import { startSimulator, type Simulator } from '../../../../src/main/demo/server'
import { Store } from '../../../../src/main/core/storage/store'
import { DEFAULT_PRICES, estimateJob } from '../../../../src/shared/pricing'
import { tempDir, until } from '../../../helpers/core'

const CHILD = fileURLToPath(new URL('./budget-crash-child.ts', import.meta.url))
const JOBS = 120
const N = 45
const PRICE = estimateJob(DEFAULT_PRICES, 'demo', 'images').usd!

let sim: Simulator | undefined
let live: ChildProcess | null = null
const dirs: string[] = []

afterEach(async () => {
  if (live && live.exitCode === null && live.signalCode === null) live.kill('SIGKILL')
  await sim?.close()
  sim = undefined
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function spawnChild(dataDir: string, baseUrl: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: { ...process.env, BUDGET_DATA_DIR: dataDir, DEMO_BASE_URL: baseUrl, BUDGET_JOBS: String(JOBS), BUDGET_CAP: String(N * PRICE) },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc']
  })
  live = child
  let err = ''
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })))
  return { child, exited, stderr: () => err }
}

function read<T>(dataDir: string, f: (store: Store) => T): T {
  const store = new Store(openDb(dbPath(dataDir)))
  try {
    return f(store)
  } finally {
    store['db'].close()
  }
}

function statuses(store: Store): Record<string, number> {
  return Object.fromEntries(
    store['db']
      .prepare<[], { status: string; n: number }>('SELECT status, COUNT(*) AS n FROM jobs GROUP BY status')
      .all()
      .map((r) => [r.status, r.n])
  )
}

function received(s: Simulator): Map<string, number> {
  return s.engine.submitsByPrompt()
}

async function finish(dataDir: string, baseUrl: string): Promise<void> {
  const { exited, stderr } = spawnChild(dataDir, baseUrl)
  const result = await exited
  expect(result, stderr()).toEqual({ code: 0, signal: null })
}

describe('budgets across SIGKILL', () => {
  it(`killed mid-submit with 32 in flight: exactly ${N} reservations, each a submit received or a job needing attention`, { timeout: 90_000 }, async () => {
    let onCreate: (() => void) | null = null
    sim = await startSimulator({ durationMs: 800, onCreate: () => onCreate?.() })
    const dataDir = tempDir('bs-budget-crash-')
    dirs.push(dataDir)
    const baseUrl = sim.baseUrl('letzai')
    // Kill inside the simulator's 20th submit handler: the job exists there, the child never hears its id.
    const first = spawnChild(dataDir, baseUrl)
    let seen = 0
    onCreate = () => {
      if (++seen === 20) first.child.kill('SIGKILL')
    }
    expect((await first.exited).signal, first.stderr()).toBe('SIGKILL')
    onCreate = null
    const atKill = read(dataDir, statuses)
    // A second kill by time, while the resumed child works (polls, downloads, more submits).
    const second = spawnChild(dataDir, baseUrl)
    await new Promise((r) => setTimeout(r, 700))
    second.child.kill('SIGKILL')
    await second.exited
    await finish(dataDir, baseUrl)

    const { jobs, report, reservedSum } = read(dataDir, (store) => {
      const ledger = new Ledger(store)
      const jobs = store['db']
        .prepare<[], { id: number; prompt: string; status: string; state: string; estimated_usd: number }>(
          'SELECT j.id, j.prompt, j.status, c.state, c.estimated_usd FROM jobs j JOIN job_costs c ON c.job_id = j.id ORDER BY j.id'
        )
        .all()
      return { jobs, report: ledger.report(), reservedSum: ledger.spent({}, 'usd') }
    })
    const counts: Record<string, number> = {}
    for (const j of jobs) counts[j.status] = (counts[j.status] ?? 0) + 1
    console.log(
      `budget crash: at the first kill ${JSON.stringify(atKill)}, at the end ${JSON.stringify(counts)}, submits received ${[...received(sim).values()].reduce((a, b) => a + b, 0)}`
    )
    expect(jobs).toHaveLength(JOBS)
    expect(atKill.submitting ?? 0, 'the first kill landed with submits in flight').toBeGreaterThan(0)
    // No overshoot: the sent jobs' costs are exactly N jobs' worth.
    const counted = jobs.filter((j) => ['reserved', 'billed', 'possibly'].includes(j.state))
    expect(counted).toHaveLength(N)
    expect(reservedSum).toBeCloseTo(N * PRICE, 9)
    const got = received(sim)
    for (const j of jobs) expect(got.get(j.prompt) ?? 0, `submits of job ${j.id}`).toBeLessThanOrEqual(1)
    // Every reservation is a submit the simulator received, or a job whose send the kill cut (needs attention).
    const receivedCounted = counted.filter((j) => got.has(j.prompt))
    const cut = counted.filter((j) => !got.has(j.prompt))
    for (const j of cut) expect(j.status, `job ${j.id} reserved but never received`).toBe('needs_attention')
    expect(receivedCounted.length + cut.length).toBe(N)
    expect([...got.values()].reduce((a, b) => a + b, 0)).toBe(receivedCounted.length)
    // Only counted jobs were sent; the rest wait queued behind the cap.
    expect(jobs.filter((j) => j.status === 'queued')).toHaveLength(JOBS - N)
    // The ledger's totals match the jobs.
    const done = jobs.filter((j) => j.status === 'done').length
    const attention = jobs.filter((j) => j.status === 'needs_attention').length
    expect(done + attention).toBe(N)
    expect(report.total.jobs).toBe(JOBS)
    expect(report.total.estimated.usd).toBeCloseTo(JOBS * PRICE, 9)
    expect(report.total.spent.usd).toBeCloseTo(done * PRICE, 9)
    expect(report.total.possibly.usd).toBeCloseTo(attention * PRICE, 9)
    expect(report.byBatch).toHaveLength(1)
  })

  it(`killed once the cap is reserved, the resumed run sends nothing more: the simulator received exactly ${N} submits`, { timeout: 90_000 }, async () => {
    sim = await startSimulator({ durationMs: 1500 })
    const dataDir = tempDir('bs-budget-crash-')
    dirs.push(dataDir)
    const baseUrl = sim.baseUrl('letzai')
    const first = spawnChild(dataDir, baseUrl)
    // The cap is fully reserved and every submit has its answer stored; jobs are still running at the simulator.
    await until(
      () => {
        try {
          const s = read(dataDir, statuses)
          return (s.submitting ?? 0) === 0 && (s.running ?? 0) + (s.downloading ?? 0) + (s.done ?? 0) === N
        } catch {
          return false
        }
      },
      30_000,
      'the cap reserved'
    )
    first.child.kill('SIGKILL')
    await first.exited
    expect(read(dataDir, statuses).running ?? 0, 'killed while jobs ran at the provider').toBeGreaterThan(0)
    await finish(dataDir, baseUrl)
    const final = read(dataDir, statuses)
    expect(final).toEqual({ done: N, queued: JOBS - N })
    expect([...received(sim).values()].reduce((a, b) => a + b, 0)).toBe(N)
    expect([...received(sim).values()].every((n) => n === 1)).toBe(true)
    const report = read(dataDir, (store) => new Ledger(store).report())
    expect(report.total.spent.usd).toBeCloseTo(N * PRICE, 9)
  })
})
