// `npx tsx bench/sync-cost.ts`: what synchronous=FULL costs against NORMAL on the library, side by side in
// one run on the same disk: N single-transition transactions (the poller's unit of work: one job's new
// state and its history row, via Store.transition) and 100-row batch inserts (queueing prompts, via
// Store.insertJobs). Each mode runs on its own fresh library in the data folder's file system (the OS temp
// folder unless SYNC_BENCH_DIR is set), alternating FULL and NORMAL rounds so that disk noise hits both.
// SYNC_BENCH_TRANSITIONS (default 2000) and SYNC_BENCH_BATCHES (default 100) set the sizes.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDb } from '../src/main/core/storage/db'
import { progressed } from '../src/main/core/jobs/lifecycle'
import { Store, type NewJob } from '../src/main/core/storage/store'

type Mode = 'NORMAL' | 'FULL'
const MODES: Mode[] = ['FULL', 'NORMAL']
const TRANSITIONS = Number(process.env.SYNC_BENCH_TRANSITIONS ?? 2000)
const BATCHES = Number(process.env.SYNC_BENCH_BATCHES ?? 100)
const ROUNDS = 3
const root = mkdtempSync(join(process.env.SYNC_BENCH_DIR ?? tmpdir(), 'bs-sync-bench-'))

function library(mode: Mode, round: number): Store {
  const db = openDb(join(root, `${mode}-${round}`, 'library.sqlite'))
  db.pragma(`synchronous = ${mode}`)
  return new Store(db)
}

const job = (i: number): NewJob => ({ provider: 'demo', model: 'demo-image', kind: 'image', prompt: `bench prompt ${i}`, params: {} })

function transitions(store: Store): number {
  const batch = store.createBatch('bench', join(root, 'out'))
  const ids = store.insertJobs(
    batch,
    Array.from({ length: 100 }, (_, i) => job(i))
  )
  const start = process.hrtime.bigint()
  for (let i = 0; i < TRANSITIONS; i++) {
    const id = ids[i % ids.length]
    store.transition(id, progressed('queued', { progress: i / TRANSITIONS, next_poll_at: Date.now() + 1000 }, { type: 'status', message: `poll ${i}` }))
  }
  return Number(process.hrtime.bigint() - start) / 1e6
}

function inserts(store: Store): number {
  const batch = store.createBatch('bench', join(root, 'out'))
  const rows = Array.from({ length: 100 }, (_, i) => job(i))
  const start = process.hrtime.bigint()
  for (let i = 0; i < BATCHES; i++) store.insertJobs(batch, rows)
  return Number(process.hrtime.bigint() - start) / 1e6
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

try {
  const times: Record<Mode, { transitions: number[]; inserts: number[] }> = { FULL: { transitions: [], inserts: [] }, NORMAL: { transitions: [], inserts: [] } }
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of round % 2 ? [...MODES].reverse() : MODES) {
      const store = library(mode, round)
      times[mode].transitions.push(transitions(store))
      times[mode].inserts.push(inserts(store))
      store.close()
    }
  }
  const rows = [
    { what: `${TRANSITIONS} single-transition transactions`, n: TRANSITIONS, key: 'transitions' as const },
    { what: `${BATCHES} inserts of 100 jobs`, n: BATCHES, key: 'inserts' as const }
  ]
  console.log(`synchronous FULL vs NORMAL (WAL), median of ${ROUNDS} rounds, in ${root}`)
  console.log('| work | NORMAL ms (per tx) | FULL ms (per tx) | FULL / NORMAL |')
  console.log('| --- | --- | --- | --- |')
  for (const r of rows) {
    const normal = median(times.NORMAL[r.key])
    const full = median(times.FULL[r.key])
    console.log(
      `| ${r.what} | ${normal.toFixed(0)} (${(normal / r.n).toFixed(3)}) | ${full.toFixed(0)} (${(full / r.n).toFixed(3)}) | ${(full / normal).toFixed(2)}× |`
    )
  }
} finally {
  rmSync(root, { recursive: true, force: true })
}
