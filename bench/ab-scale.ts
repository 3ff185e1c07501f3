// Two checkouts side by side in one process: `npx tsx bench/ab-scale.ts <other checkout>` runs
// bench/scale.ts's 10,000-running-jobs case from the other checkout (e.g. a `git worktree add` of an older
// commit, with node_modules linked) and from this one, alternating, at 500 req/s (three pairs) and at the
// app's defaults (two pairs), and prints one line per run (BENCHMARKS.md's issue-15 section quotes it).
import { loadavg } from 'node:os'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { ScaleOptions } from './scale'

const other = process.argv[2]
if (!other) throw new Error('usage: npx tsx bench/ab-scale.ts <path of the other checkout>')
type Scale = typeof import('./scale')
const base = (await import(pathToFileURL(resolve(other, 'bench/scale.ts')).href)) as Scale
const here = (await import('./scale')) as Scale
const cases: { label: string; limits?: ScaleOptions['limits']; pairs: number }[] = [
  { label: '500/s', limits: { rate: 500, burst: 500, concurrency: 64 }, pairs: 3 },
  { label: 'defaults', pairs: 2 }
]
for (const c of cases) {
  for (let pair = 0; pair < c.pairs; pair++) {
    for (const [name, m] of [
      ['other', base],
      ['this', here]
    ] as const) {
      const r = await m.runScale({ runtime: 'bundled', jobs: 10_000, seconds: 10, seed: 7, ...(c.limits ? { limits: c.limits } : {}) })
      console.log(
        `${c.label} ${name}: load ${loadavg()[0].toFixed(1)}, ${r.requestsPerSecond.toFixed(0)} status req/s, loop lag p99 ${r.steadyLagP99Ms.toFixed(1)} ms, start → first poll ${r.spawnToFirstPollMs.toFixed(0)} ms, Core.open ${r.openMs.toFixed(0)} ms, RSS ${r.rssMaxMb.toFixed(0)} MB`
      )
    }
  }
}
process.exit(0)
