// Send to… at scale (`npx tsx bench/send-to.ts`): a library of N downloaded pictures (real PNG files on disk,
// 1.5 MB each by default so an upload held in memory would show), then one sendTo of all N to the Demo's
// upscaler through the core: the time until the batch is queued (every file checked on disk, one
// transaction; target < 1 s for 1,000), then — with --run — the N jobs carried through a simulator in a
// process of its own (as a real provider is; it keeps what it is sent), each file uploaded from disk,
// sampling this process's resident memory (the app's core alone) to see it stay flat.
// Options: --items N (1000) --runs N (5) --file-kb N (1536) --run
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { cpus, loadavg } from 'node:os'
import sharp from 'sharp'
import { openTestCore } from '../test/helpers/core'
import { tempDir } from './lib'

const { values } = parseArgs({
  options: {
    items: { type: 'string', default: '1000' },
    runs: { type: 'string', default: '5' },
    'file-kb': { type: 'string', default: '1536' },
    run: { type: 'boolean', default: false }
  }
})
const ITEMS = Number(values.items)
const RUNS = Number(values.runs)
const FILE_KB = Number(values['file-kb'])
const ms = (n: number) => `${n.toFixed(n < 10 ? 1 : 0)} ms`
const mb = (b: number) => `${(b / 1048576).toFixed(0)} MB`

// The provider: the simulator in a child process (`--run` only), the Demo pointed at it.
const simChild = values.run
  ? spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        "import('./src/main/core/simulator/server.ts').then(async (m) => { const s = await m.startSimulator({ durationMs: 200 }); console.log(s.baseUrl('letzai')) })"
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] }
    )
  : null
if (simChild) {
  process.env.DEMO_BASE_URL = await new Promise<string>((resolve) => simChild.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim())))
}
const dir = tempDir('bs-send-to-')
const core = await openTestCore({
  dataDir: dir,
  stored: { outputRoot: join(dir, 'out'), demo: { durationMs: 200, failureRate: 0 } },
  poller: { limits: () => ({ rate: 1000, burst: 1000, concurrency: 32 }) }
})
// Distinct noisy PNGs (uncompressible), each ~FILE_KB, registered as done jobs with one file each.
const side = Math.ceil(Math.sqrt((FILE_KB * 1024) / 3))
const files: string[] = []
for (let i = 0; i < Math.min(ITEMS, 50); i++) {
  const raw = Buffer.alloc(side * side * 3)
  for (let j = 0; j < raw.length; j++) raw[j] = (j * 2654435761 + i * 40503) >>> 24
  const path = join(dir, `src-${i}.png`)
  writeFileSync(
    path,
    await sharp(raw, { raw: { width: side, height: side, channels: 3 } })
      .png({ compressionLevel: 0 })
      .toBuffer()
  )
  files.push(path)
}
const db = core.store['db']
const batch = Number(db.prepare("INSERT INTO batches (name, output_dir, created_at) VALUES ('source', ?, ?)").run(dir, Date.now()).lastInsertRowid)
const assetIds = db.transaction(() =>
  Array.from({ length: ITEMS }, (_, i) => {
    const job = Number(
      db
        .prepare(
          "INSERT INTO jobs (batch_id, provider, model, kind, prompt, status, created_at, updated_at) VALUES (?, 'demo', 'images', 'image', ?, 'done', 0, 0)"
        )
        .run(batch, `picture ${i}`).lastInsertRowid
    )
    return Number(
      db
        .prepare("INSERT INTO assets (job_id, idx, path, mime, size, sha256, created_at) VALUES (?, 0, ?, 'image/png', 1, ?, 0)")
        .run(job, files[i % files.length], `s${i}`).lastInsertRowid
    )
  })
)()

const times: number[] = []
let lastIds: number[] = []
// Paused: only the queueing is timed; the jobs of the timed runs are not sent.
await core.api.pauseProvider({ provider: 'demo', paused: true })
for (let r = 0; r < RUNS; r++) {
  const t0 = performance.now()
  const { jobIds } = await core.api.sendTo({ assetIds, provider: 'demo', model: 'upscales' })
  times.push(performance.now() - t0)
  lastIds = jobIds
  process.stderr.write(`run ${r + 1}: ${jobIds.length} jobs queued in ${ms(times[r])}\n`)
  if (r < RUNS - 1 || !values.run) await core.api.cancelJobs({ ids: jobIds })
}
const sorted = [...times].sort((a, b) => a - b)
const rows: string[][] = [
  [
    `sendTo of ${ITEMS} gallery files (${FILE_KB} KB PNGs on disk) → queued`,
    `median ${ms(sorted[Math.floor(sorted.length / 2)])}, max ${ms(sorted.at(-1)!)} (all: ${times.map((t) => Math.round(t)).join(', ')})`,
    '< 1 s',
    sorted.at(-1)! < 1000 ? 'met' : 'MISSED'
  ]
]

if (values.run) {
  const rss: number[] = []
  const before = process.memoryUsage().rss
  const sampler = setInterval(() => rss.push(process.memoryUsage().rss), 100)
  const t0 = performance.now()
  await core.api.pauseProvider({ provider: 'demo', paused: false })
  for (;;) {
    const left = lastIds.filter((id) => ['queued', 'submitting', 'running', 'downloading'].includes(core.store.job(id)!.status)).length
    if (left === 0) break
    await new Promise((r) => setTimeout(r, 200))
  }
  clearInterval(sampler)
  const done = lastIds.filter((id) => core.store.job(id)!.status === 'done').length
  const uploaded = lastIds.filter((id) => core.store.events(id).some((e) => e.type === 'submitted')).length
  rows.push([
    `The ${ITEMS} upscales run through the Demo (each file uploaded from disk)`,
    `${done} done in ${ms(performance.now() - t0)}; ${uploaded} submitted, each after its file's upload (${mb(uploaded * FILE_KB * 1024)} sent)`,
    '',
    ''
  ])
  rows.push([
    'Resident memory of the app core (the simulator runs in its own process) while they ran',
    `before ${mb(before)}, peak ${mb(Math.max(...rss))}, end ${mb(rss.at(-1)!)}`,
    'flat (no growth with the bytes sent)',
    ''
  ])
}
await core.close()
simChild?.kill()

console.log(
  `\nSend to benchmark — ${new Date().toISOString()}, ${cpus().length} CPUs, node ${process.version}, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`
)
console.log('| Measure | Result | Target | |\n| --- | --- | --- | --- |')
for (const r of rows) console.log(`| ${r.join(' | ')} |`)
console.log(`\nCommand: npx tsx bench/send-to.ts${process.argv.length > 2 ? ` ${process.argv.slice(2).join(' ')}` : ''}`)
