// Costs end to end on the simulator (real HTTP on loopback, a real SQLite file): a matrix's estimate is the
// sum of its jobs' ledger rows, a budget of N jobs' worth lets exactly N submits reach the simulator with 32
// in flight, BFL's own `cost` becomes the billed figure and its /v1/credits the balance, and a budget with
// unknown-price jobs asks before queuing them.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { Core } from '../../../../src/main/core/core'
import type { ProviderId } from '../../../../src/shared/catalogue'
import { startSimulator, type Simulator } from '../../../../src/main/demo/server'
import { DEFAULT_PRICES, estimateJob, estimateJobs, priceTable } from '../../../../src/shared/pricing'
import { openTestCore, tempDir, until } from '../../../helpers/core'

let core: Core | undefined
let sim: Simulator | undefined

afterEach(async () => {
  await core?.close()
  await sim?.close()
  core = sim = undefined
})

function submitsReceived(s: Simulator): number {
  return [...s.engine.submitsByPrompt().values()].reduce((a, b) => a + b, 0)
}

describe('costs', () => {
  it("a matrix's estimate equals the sum of its jobs' estimates in the ledger", async () => {
    core = await openTestCore()
    // Nothing is sent: only the estimates written at queue time are looked at.
    for (const provider of ['demo', 'bfl', 'letzai', 'umrgen'] as const) await core.api.pauseProvider({ provider, paused: true })
    const prompts = ['a lighthouse at dawn', 'a fox in the snow', 'a red kite']
    const groups: { provider: ProviderId; model: string; params: Record<string, string | number>; count: number }[] = [
      { provider: 'demo', model: 'images', params: {}, count: 2 },
      { provider: 'bfl', model: 'flux-2-pro', params: { width: 1440, height: 1024 }, count: 1 },
      { provider: 'letzai', model: 'images', params: { baseModel: 'flux2', mode: 'hd' }, count: 1 },
      { provider: 'umrgen', model: 'default', params: {}, count: 1 }
    ]
    const estimate = estimateJobs(
      priceTable(),
      groups.map((g) => ({ ...g, jobs: prompts.length * g.count }))
    )
    let batchId: number | undefined
    const ids: number[] = []
    for (const g of groups) {
      const queued = await core.api.queuePrompts({
        prompts,
        provider: g.provider,
        model: g.model,
        params: g.params,
        count: g.count,
        batchId,
        batchName: 'matrix'
      })
      batchId = queued.batchId
      ids.push(...queued.jobIds)
    }
    expect(ids).toHaveLength(estimate.jobs)
    // 6 × $0.03 + 3 × (3 + 0.47456 × 1.5) credits × $0.01 (each job rounded to a millionth of a dollar)
    const bflJob = estimateJob(DEFAULT_PRICES, 'bfl', 'flux-2-pro', { width: 1440, height: 1024 })
    expect(bflJob).toMatchObject({ amount: 3.71184, currency: 'credits', usd: 0.037118 })
    expect(estimate.totals.usd).toBeCloseTo(0.18 + 3 * 0.037118, 9)
    expect(estimate.totals.credits).toEqual({ letzai: 360 })
    expect(estimate.unknown).toEqual([{ provider: 'umrgen', model: 'default', jobs: 3, reason: expect.stringMatching(/no known price/) }])

    const costs = await Promise.all(ids.map(async (id) => (await core!.api.getJob({ id }))!.cost!))
    const usd = costs.reduce((sum, c) => sum + (c.estimatedUsd ?? 0), 0)
    const credits = costs.filter((c) => c.estimatedUsd === null && c.currency === 'credits').reduce((sum, c) => sum + c.estimated!, 0)
    expect(usd).toBeCloseTo(estimate.totals.usd, 9)
    expect(credits).toBe(360)
    expect(costs.filter((c) => c.estimated === null)).toHaveLength(3)
    const report = await core.api.getCosts({ batchId })
    expect(report.total.estimated.usd).toBeCloseTo(estimate.totals.usd, 9)
    expect(report.total.estimated.credits).toEqual({ letzai: 360 })
    expect(report.total.unknown).toBe(3)
    expect(report.byModel.find((m) => m.provider === 'bfl')!.estimated.usd).toBeCloseTo(3 * 0.037118, 9)
    expect(report.byDay).toEqual([expect.objectContaining({ day: 'not sent', jobs: 15 })])
  })

  it(
    'a batch budget of N jobs lets exactly N submits reach the simulator with 32 in flight, then holds the rest with the reason',
    { timeout: 60_000 },
    async () => {
      const dataDir = tempDir()
      sim = await startSimulator({ durationMs: 300 })
      process.env.DEMO_BASE_URL = sim.baseUrl('letzai')
      try {
        core = await openTestCore({
          dataDir,
          externalSimulator: sim,
          poller: { limits: () => ({ rate: 1000, burst: 1000, concurrency: 32 }), globalConcurrency: 64 }
        })
        const N = 17
        const price = estimateJob(DEFAULT_PRICES, 'demo', 'images').usd!
        const { batchId, jobIds } = await core.api.queuePrompts({
          prompts: Array.from({ length: 100 }, (_, i) => `budget prompt ${i}`),
          provider: 'demo',
          budget: { amount: N * price, currency: 'usd' }
        })
        await until(async () => (await core!.api.getStatusCounts(undefined)).done === N, 30_000, `${N} jobs done`)
        // Give any stray submit time to arrive.
        await new Promise((r) => setTimeout(r, 500))
        expect(submitsReceived(sim)).toBe(N)
        const counts = await core.api.getStatusCounts(undefined)
        expect(counts).toMatchObject({ done: N, queued: 100 - N, submitting: 0, running: 0 })
        const held = await core.api.listJobs({ status: ['queued'], limit: 200 })
        // Every waiting row says why.
        for (const j of held.jobs) expect(j.error).toMatch(/^Budget reached: Batch “.*” has \$0\.51 spent or reserved of its \$0\.51 cap/)
        // The jobs that tried to go have it in their history too.
        const histories = await Promise.all(held.jobs.map(async (j) => (await core!.api.getJob({ id: j.id }))!.events))
        expect(histories.filter((events) => events.at(-1)?.type === 'budget').length).toBeGreaterThan(0)
        expect((await core.api.getStats(undefined)).budgetHolds).toEqual([expect.objectContaining({ scope: 'batch', key: String(batchId) })])
        const report = await core.api.getCosts({ batchId })
        expect(report.total.spent.usd).toBeCloseTo(N * price, 9)
        expect(report.total.possibly.usd).toBe(0)

        // Raising the cap by 5 jobs' worth sends exactly 5 more.
        await core.api.setBudget({ scope: 'batch', key: String(batchId), amount: (N + 5) * price })
        await until(async () => (await core!.api.getStatusCounts(undefined)).done === N + 5, 30_000, 'five more done')
        await new Promise((r) => setTimeout(r, 500))
        expect(submitsReceived(sim)).toBe(N + 5)
        expect(jobIds).toHaveLength(100)
      } finally {
        delete process.env.DEMO_BASE_URL
      }
    }
  )

  it("a daily cap holds every provider's submits; jobs already sent are still polled and downloaded", { timeout: 60_000 }, async () => {
    sim = await startSimulator({ durationMs: 1500 })
    process.env.DEMO_BASE_URL = sim.baseUrl('letzai')
    try {
      core = await openTestCore({ externalSimulator: sim, poller: { limits: () => ({ rate: 1000, burst: 1000, concurrency: 32 }) } })
      await core.api.setBudget({ scope: 'day', key: '', amount: 0.3 })
      await core.api.queuePrompts({ prompts: Array.from({ length: 40 }, (_, i) => `day prompt ${i}`), provider: 'demo' })
      // Ten submits are out (10 × $0.03) while the simulator is still working on them.
      await until(async () => (await core!.api.getStatusCounts(undefined)).running === 10, 10_000, 'ten running')
      expect(submitsReceived(sim)).toBe(10)
      await until(async () => (await core!.api.getStatusCounts(undefined)).done === 10, 20_000, 'the ten downloaded')
      expect(submitsReceived(sim)).toBe(10)
      expect((await core.api.getStats(undefined)).budgetHolds[0].reason).toMatch(/^Budget reached: Today has \$0\.30 spent or reserved of its \$0\.30 cap/)
    } finally {
      delete process.env.DEMO_BASE_URL
    }
  })

  it('a budget with unknown-price jobs asks before queuing them', async () => {
    core = await openTestCore()
    await core.api.pauseProvider({ provider: 'umrgen', paused: true })
    await core.api.setBudget({ scope: 'day', key: '', amount: 5 })
    await expect(core.api.queuePrompts({ prompts: ['a'], provider: 'umrgen', model: 'default' })).rejects.toThrow(
      /no known price.*UMRGEN.*default \(1 job\).*Queue them anyway\?/
    )
    expect((await core.api.getStatusCounts(undefined)).queued).toBe(0)
    const { jobIds } = await core.api.queuePrompts({ prompts: ['a'], provider: 'umrgen', model: 'default', allowUnknownCost: true })
    expect((await core.api.getJob({ id: jobIds[0] }))!.cost).toMatchObject({ estimated: null, state: 'estimated' })
  })

  it("BFL's submit `cost` is the billed figure and /v1/credits the balance", { timeout: 30_000 }, async () => {
    const key = 'bfl-test-key'
    sim = await startSimulator({ durationMs: 200, keys: { bfl: key } })
    const dataDir = tempDir()
    core = await openTestCore({
      dataDir,
      keys: { get: (p) => (p === 'bfl' ? key : null) },
      stored: { outputRoot: join(dataDir, 'out'), providers: { bfl: { baseUrl: sim.baseUrl('bfl') } } }
    })
    const before = await core.api.refreshBalance({ provider: 'bfl' })
    expect(before).toMatchObject({ amount: 1000, currency: 'credits' })
    const { jobIds } = await core.api.queuePrompts({
      prompts: ['a harbour at night'],
      provider: 'bfl',
      model: 'flux-2-pro',
      params: { width: 2048, height: 1024 }
    })
    await until(async () => (await core!.api.getJob({ id: jobIds[0] }))!.job.status === 'done', 20_000, 'the BFL job done')
    const cost = (await core.api.getJob({ id: jobIds[0] }))!.cost!
    // The simulator prices by BFL's published formula: 3 + (2.097152 − 1) × 1.5 = 4.65 credits (rounded to cents by BFL).
    expect(cost).toMatchObject({ state: 'billed', currency: 'credits', billed: 4.65, billedUsd: 0.0465 })
    expect(cost.estimated).toBeCloseTo(4.645728, 6)
    const after = await core.api.refreshBalance({ provider: 'bfl' })
    expect(after!.amount).toBeCloseTo(1000 - 4.65, 6)
    expect((await core.api.getSettings(undefined)).balances.bfl).toMatchObject({ amount: after!.amount })
    expect((await core.api.getCosts({ provider: 'bfl' })).total.spent.usd).toBeCloseTo(0.0465, 9)
  })

  it("the export manifest carries each file's cost and the exported jobs' totals", { timeout: 30_000 }, async () => {
    const dataDir = tempDir()
    core = await openTestCore({ dataDir })
    const { jobIds } = await core.api.queuePrompts({ prompts: ['one', 'two', 'three'], provider: 'demo' })
    await until(async () => (await core!.api.getStatusCounts(undefined)).done === 3, 20_000, 'three done')
    const destination = join(dataDir, 'export')
    const { exportId } = await core.api.startExport({ jobIds, format: 'folder', destination })
    await new Promise<void>((resolve) => core!.on('exportProgress', (p) => p.exportId === exportId && p.state === 'done' && resolve()))
    const manifest = JSON.parse(readFileSync(join(destination, 'manifest.json'), 'utf8')) as {
      files: Record<string, unknown>[]
      costs: { jobs: number; spent: { usd: number } }
    }
    expect(manifest.files.map((f) => [f.cost_state, f.cost_currency, f.cost_usd])).toEqual([
      ['billed', 'usd', 0.03],
      ['billed', 'usd', 0.03],
      ['billed', 'usd', 0.03]
    ])
    expect(manifest.costs).toMatchObject({ jobs: 3, spent: { usd: 0.09 }, unknown: 0 })
    const [header, first] = readFileSync(join(destination, 'manifest.csv'), 'utf8').split('\r\n')
    // The cost columns, wherever the manifest puts them among the others.
    const at = header.split(',').indexOf('cost_state')
    expect(header.split(',').slice(at, at + 5)).toEqual(['cost_state', 'cost_currency', 'cost_estimated', 'cost_billed', 'cost_usd'])
    expect(first.split(',').slice(at, at + 5)).toEqual(['billed', 'usd', '0.03', '', '0.03'])
  })

  it("a provider's budget in its own credits counts BFL's billed figures, and holds that provider's submits", { timeout: 30_000 }, async () => {
    const key = 'bfl-cap-key'
    sim = await startSimulator({ durationMs: 200, keys: { bfl: key } })
    const dataDir = tempDir()
    core = await openTestCore({
      dataDir,
      keys: { get: (p) => (p === 'bfl' ? key : null) },
      stored: { outputRoot: join(dataDir, 'out'), providers: { bfl: { baseUrl: sim.baseUrl('bfl') } } }
    })
    // FLUX.2 [pro] at 1024×1024 (1.05 MP): estimated 3.0729 credits a job; the simulator bills 3.07 (by cents).
    await core.api.setBudget({ scope: 'provider', key: 'bfl', amount: 10, currency: 'credits' })
    await core.api.queuePrompts({
      prompts: ['one', 'two', 'three', 'four', 'five'],
      provider: 'bfl',
      model: 'flux-2-pro',
      params: { width: 1024, height: 1024 }
    })
    await until(async () => (await core!.api.getStatusCounts(undefined)).done === 3, 20_000, 'three BFL jobs done')
    await new Promise((r) => setTimeout(r, 500))
    expect(submitsReceived(sim)).toBe(3)
    expect((await core.api.getStatusCounts(undefined)).queued).toBe(2)
    const hold = (await core.api.getStats(undefined)).budgetHolds[0]
    expect(hold).toMatchObject({ scope: 'provider', key: 'bfl', currency: 'credits' })
    expect(hold.reason).toMatch(
      /^Budget reached: BFL \(FLUX\) has 9\.2\d credits spent or reserved of its 10 credits cap, and the next job would cost 3\.07 credits/
    )
    // Removing the cap sends the other two.
    await core.api.setBudget({ scope: 'provider', key: 'bfl', amount: null })
    await until(async () => (await core!.api.getStatusCounts(undefined)).done === 5, 20_000, 'all five done')
    expect(submitsReceived(sim)).toBe(5)
    expect((await core.api.getStats(undefined)).budgetHolds).toEqual([])
  })
})
