// The batch CLI end to end: the real `batch-studio` bin in child processes, on temp data folders, against a
// simulator this test process owns (DEMO_BASE_URL / LETZAI_BASE_URL point the child at it over HTTP), so
// that the simulator outlives a child killed with SIGKILL and its ledger shows every submit.
import { spawn, type ChildProcess } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { csvRecords, readPrompts } from '../../src/shared/prompt-files'
import { headlessKeys, readKeyFile } from '../../src/main/core/settings/keys'
import { promptPng } from '../../src/main/demo/media'
import { startSimulator, type Simulator } from '../../src/main/demo/server'
import { tempDir, until } from '../helpers/core'

const BIN = fileURLToPath(new URL('../../bin/batch-studio.mjs', import.meta.url))

interface JsonJob {
  id: number
  provider: string
  model: string
  prompt: string
  status: string
  files: string[]
  error: string | null
}

interface Result {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** The child's environment: nothing inherited that could point it at a real provider or library. */
function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) if (!/(_API_KEY|_API_KEY_FILE|_BASE_URL)$|^BATCH_STUDIO_/.test(k)) env[k] = v
  return { ...env, ...extra }
}

function start(args: string[], env: Record<string, string>): { child: ChildProcess; done: Promise<Result> } {
  const child = spawn(process.execPath, [BIN, ...args], { env: baseEnv(env), stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  const done = new Promise<Result>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })))
  return { child, done }
}

function cli(args: string[], env: Record<string, string>): Promise<Result> {
  return start(args, env).done
}

function lastJson(stdout: string): { jobs: JsonJob[]; [k: string]: unknown } {
  const lines = stdout.trim().split('\n')
  return JSON.parse(lines.at(-1)!)
}

const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

/** A data folder whose config makes the first poll come after 1 s instead of the docs' 3 s. */
function dataDir(settings: Record<string, unknown> = {}): string {
  const dir = tempDir('bs-cli-')
  dirs.push(dir)
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({ outputRoot: join(dir, 'default-out'), providers: { demo: { strategy: 'exponential' }, letzai: { strategy: 'exponential' } }, ...settings })
  )
  return dir
}

function write(dir: string, name: string, text: string): string {
  const file = join(dir, name)
  writeFileSync(file, text)
  return file
}

function expectDoneWithFiles(jobs: JsonJob[], outDir: string): void {
  for (const j of jobs) {
    expect(j.status, `job ${j.id}: ${j.error}`).toBe('done')
    expect(j.error).toBeNull()
    expect(j.files.length).toBeGreaterThan(0)
    for (const f of j.files) {
      expect(f.startsWith(outDir)).toBe(true)
      expect(existsSync(f)).toBe(true)
    }
  }
}

// The runs that time nothing run side by side; the kill and signal tests run alone.
describe('batch-studio CLI', () => {
  let sim: Simulator
  let env: (dir: string, extra?: Record<string, string>) => Record<string, string>

  beforeAll(async () => {
    sim = await startSimulator({ durationMs: 300, failureRate: 0 })
    env = (dir, extra = {}) => ({ BATCH_STUDIO_DATA_DIR: dir, DEMO_BASE_URL: sim.baseUrl('letzai'), ...extra })
  })
  afterAll(async () => {
    await sim?.close()
  })

  it.concurrent('runs a .txt prompt file to files on disk and reports JSON', async ({ expect }) => {
    const dir = dataDir()
    const out = join(dir, 'out')
    const prompts = write(dir, 'prompts.txt', '# a comment\n\ntxt: a red fox\n   \ntxt: a blue whale\r\n# another\ntxt: a green frog\n')
    const r = await cli(['run', '--provider', 'demo', '--prompts', prompts, '--out', out, '--json'], env(dir))
    expect(r.code, r.stderr).toBe(0)
    const { jobs } = lastJson(r.stdout)
    expect(jobs.map((j) => j.prompt)).toEqual(['txt: a red fox', 'txt: a blue whale', 'txt: a green frog'])
    expect(jobs.every((j) => j.provider === 'demo' && j.model === 'images')).toBe(true)
    expectDoneWithFiles(jobs, out)
    // --out is for this run only: the data folder's settings keep their own output folder.
    expect((await cli(['status', '--json'], env(dir))).stdout).toContain('"total":3')
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))
    expect(config.outputRoot).toBe(join(dir, 'default-out'))
  })

  it.concurrent('runs a .csv file with RFC 4180 quoting and per-row count and model', async ({ expect }) => {
    const dir = dataDir()
    const out = join(dir, 'out')
    const prompts = write(
      dir,
      'prompts.csv',
      'prompt,model,count\r\n"csv: a fox, in the snow",images,2\r\n"csv: the ""best"" whale",,\r\n"csv: two\nlines",images,1\r\n'
    )
    const r = await cli(['run', '--prompts', prompts, '--out', out, '--json'], env(dir))
    expect(r.code, r.stderr).toBe(0)
    const { jobs } = lastJson(r.stdout)
    expect(jobs.map((j) => j.prompt)).toEqual(['csv: a fox, in the snow', 'csv: a fox, in the snow', 'csv: the "best" whale', 'csv: two\nlines'])
    expectDoneWithFiles(jobs, out)
  })

  it.concurrent('runs a .jsonl file with params and counts', async ({ expect }) => {
    const dir = dataDir()
    const out = join(dir, 'out')
    const prompts = write(
      dir,
      'prompts.jsonl',
      [
        '{"prompt":"jsonl: a small fox","params":{"width":1024,"height":1024}}',
        '',
        '{"prompt":"jsonl: a whale","count":2,"provider":"demo","model":"images"}'
      ].join('\n')
    )
    const r = await cli(['run', '--prompts', prompts, '--out', out, '--json', '--batch', 'my batch'], env(dir))
    expect(r.code, r.stderr).toBe(0)
    const { jobs } = lastJson(r.stdout)
    expect(jobs.map((j) => j.prompt).sort()).toEqual(['jsonl: a small fox', 'jsonl: a whale', 'jsonl: a whale'])
    expectDoneWithFiles(jobs, out)
    expect(jobs[0].files[0]).toContain(join(out, 'my-batch'))
  })

  it.concurrent("takes input pictures from --input and from a prompt file's input column (relative to the file)", async ({ expect }) => {
    const dir = dataDir()
    const out = join(dir, 'out')
    const picture = join(dir, 'start.png')
    writeFileSync(picture, promptPng('a picture on disk', 32, 32))
    const shared = write(dir, 'shared.txt', 'upscale this one\n')
    const r1 = await cli(['run', '--provider', 'demo', '--model', 'upscales', '--input', picture, '--prompts', shared, '--out', out, '--json'], env(dir))
    expect(r1.code, r1.stderr).toBe(0)
    expectDoneWithFiles(lastJson(r1.stdout).jobs, out)
    const rows = write(dir, 'rows.csv', 'prompt,model,input\nedit it,image-edits,start.png\n')
    const r2 = await cli(['run', '--provider', 'demo', '--prompts', rows, '--out', out, '--json'], env(dir))
    expect(r2.code, r2.stderr).toBe(0)
    expectDoneWithFiles(lastJson(r2.stdout).jobs, out)
    // An upscale without its picture is refused before anything is queued.
    const r3 = await cli(['run', '--provider', 'demo', '--model', 'upscales', '--prompts', shared, '--json'], env(dir))
    expect(r3.code).toBe(2)
    expect(r3.stderr).toMatch(/needs an input image/)
  })

  it.concurrent('refuses a file with a malformed CSV row: exit 2, one line naming file:line, nothing queued', async ({ expect }) => {
    const dir = dataDir()
    const prompts = write(dir, 'bad.csv', 'prompt,count\nfine one,1\n"fine, two",2\nthree,1,extra\nfour,1\n')
    const r = await cli(['run', '--provider', 'demo', '--prompts', prompts, '--json'], env(dir))
    expect(r.code).toBe(2)
    const lines = r.stderr.trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(new RegExp(`^error: ${prompts.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4: expected 2 fields`))
    const status = await cli(['status', '--json'], env(dir))
    expect(status.code).toBe(0)
    expect(lastJson(status.stdout).jobs).toEqual([])
    expect(sim.engine.submitsByPrompt().has('fine one')).toBe(false)
  })

  it.concurrent('exits 2 on an unknown provider, a missing prompts file, an unknown flag and a bad row value', async ({ expect }) => {
    const dir = dataDir()
    const prompts = write(dir, 'p.txt', 'usage: never sent\n')
    const badRow = write(dir, 'bad.jsonl', '{"prompt":"usage: ok"}\n{"prompt":"usage: x","provider":"nope"}\n')
    const [provider, missing, flag, row] = await Promise.all([
      cli(['run', '--provider', 'midjourney', '--prompts', prompts], env(dir)),
      cli(['run', '--provider', 'demo', '--prompts', join(dir, 'nope.txt')], env(dir)),
      cli(['run', '--prompts', prompts, '--frobnicate'], env(dir)),
      cli(['run', '--prompts', badRow], env(dir))
    ])
    expect(provider.code).toBe(2)
    expect(provider.stderr).toMatch(/unknown provider "midjourney"/)
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/prompts file not found: .*nope\.txt/)
    expect(flag.code).toBe(2)
    expect(flag.stderr).toMatch(/unknown option --frobnicate/)
    expect(row.code).toBe(2)
    expect(row.stderr).toMatch(/bad\.jsonl:2: unknown provider "nope"/)
    expect(existsSync(join(dir, 'library.sqlite'))).toBe(false)
    expect(sim.engine.submitsByPrompt().has('usage: never sent')).toBe(false)
  })

  it.concurrent('exits 1 when a job fails', async ({ expect }) => {
    const failing = await startSimulator({ durationMs: 200, failureRate: 1 })
    try {
      const dir = dataDir()
      const prompts = write(dir, 'p.txt', 'fail: doomed\n')
      const r = await cli(
        ['run', '--provider', 'demo', '--prompts', prompts, '--out', join(dir, 'out'), '--json'],
        env(dir, { DEMO_BASE_URL: failing.baseUrl('letzai') })
      )
      expect(r.code, r.stderr).toBe(1)
      const { jobs } = lastJson(r.stdout)
      expect(jobs).toHaveLength(1)
      expect(jobs[0].status).toBe('failed')
      expect(jobs[0].error).toBeTruthy()
      expect(jobs[0].files).toEqual([])
    } finally {
      await failing.close()
    }
  })

  it('after a SIGKILL mid-run, resume finishes every job without submitting any prompt twice', async () => {
    const slow = await startSimulator({ durationMs: 1000 })
    try {
      // A slow request budget so that some jobs are still queued, some running, when the kill comes.
      const dir = dataDir({ providers: { demo: { strategy: 'exponential', rate: 8, burst: 2 } } })
      const out = join(dir, 'out')
      const all = Array.from({ length: 8 }, (_, i) => `kill: prompt ${i}`)
      const prompts = write(dir, 'p.txt', all.join('\n'))
      const e = env(dir, { DEMO_BASE_URL: slow.baseUrl('letzai') })
      const run = start(['run', '--prompts', prompts, '--out', out, '--json'], e)
      await until(() => slow.engine.ledger.size >= 3, 20_000, 'three submits')
      run.child.kill('SIGKILL')
      const killed = await run.done
      expect(killed.signal).toBe('SIGKILL')
      const submittedBeforeKill = slow.engine.ledger.size
      expect(submittedBeforeKill).toBeLessThan(8)

      const resumed = await cli(['resume', '--json'], e)
      const { jobs: resumedJobs } = lastJson(resumed.stdout)
      expect(resumedJobs.length).toBeGreaterThanOrEqual(8 - submittedBeforeKill)

      const { jobs } = lastJson((await cli(['status', '--json'], e)).stdout)
      expect(jobs.map((j) => j.prompt).sort()).toEqual([...all].sort())
      const attention = jobs.filter((j) => j.status === 'needs_attention')
      // A job caught between sending and storing its id is not sent again; every other one is done.
      expect(resumed.code, resumed.stderr).toBe(attention.length ? 1 : 0)
      expectDoneWithFiles(
        jobs.filter((j) => j.status !== 'needs_attention'),
        out
      )
      const submits = slow.engine.submitsByPrompt()
      for (const p of all) expect(submits.get(p) ?? 0, p).toBeLessThanOrEqual(1)
      for (const j of jobs.filter((j) => j.status === 'done')) expect(submits.get(j.prompt)).toBe(1)
    } finally {
      await slow.close()
    }
  })

  it('stops cleanly on SIGTERM and says how to resume', async () => {
    const slow = await startSimulator({ durationMs: 1500 })
    try {
      const dir = dataDir()
      const prompts = write(dir, 'p.txt', 'term: one\nterm: two\n')
      const e = env(dir, { DEMO_BASE_URL: slow.baseUrl('letzai') })
      const run = start(['run', '--prompts', prompts, '--out', join(dir, 'out')], e)
      await until(() => slow.engine.ledger.size >= 2, 20_000, 'two submits')
      run.child.kill('SIGTERM')
      const r = await run.done
      expect(r.code).toBe(143)
      expect(r.stderr).toMatch(/batch-studio resume/)
      const status = lastJson((await cli(['status', '--json'], e)).stdout)
      expect(status.jobs.map((j) => j.status)).toEqual(['running', 'running'])
    } finally {
      await slow.close()
    }
  })

  describe('API keys', () => {
    const KEY = 'sk-test-7f3a9c2e-do-not-print'
    let keyed: Simulator
    beforeAll(async () => {
      keyed = await startSimulator({ durationMs: 200, keys: { letzai: KEY } })
    })
    afterAll(async () => {
      await keyed?.close()
    })

    it('refuses a key file others can read, needs a key for a real provider, and reads a 0600 key file', async () => {
      const dir = dataDir()
      const prompts = write(dir, 'p.txt', 'keys: a fox\n')
      const e = env(dir, { LETZAI_BASE_URL: keyed.baseUrl('letzai') })
      const args = ['run', '--provider', 'letzai', '--prompts', prompts, '--out', join(dir, 'out'), '--json']

      const none = await cli(args, e)
      expect(none.code).toBe(2)
      expect(none.stderr).toMatch(/LETZAI_API_KEY/)

      mkdirSync(join(dir, 'keys'))
      const keyFile = join(dir, 'keys', 'letzai.key')
      writeFileSync(keyFile, `${KEY}\n`)
      chmodSync(keyFile, 0o644)
      const open = await cli(args, e)
      expect(open.code).toBe(2)
      expect(open.stderr).toContain(keyFile)
      expect(open.stderr).toMatch(/0644/)

      chmodSync(keyFile, 0o600)
      const ok = await cli(args, e)
      expect(ok.code, ok.stderr).toBe(0)
      expect(lastJson(ok.stdout).jobs[0].status).toBe('done')
      for (const r of [none, open, ok]) expect(r.stdout + r.stderr).not.toContain(KEY)
    })

    it('prefers the environment variable to the key file; a named key file must exist', async () => {
      const dir = dataDir()
      const prompts = write(dir, 'p.txt', 'keys: a whale\n')
      mkdirSync(join(dir, 'keys'))
      writeFileSync(join(dir, 'keys', 'letzai.key'), 'wrong-key\n', { mode: 0o600 })
      const args = ['run', '--provider', 'letzai', '--prompts', prompts, '--out', join(dir, 'out'), '--json']
      const other = dataDir()
      const [fromEnv, named, rejected] = await Promise.all([
        cli(args, env(dir, { LETZAI_BASE_URL: keyed.baseUrl('letzai'), LETZAI_API_KEY: KEY })),
        cli(args, env(dir, { LETZAI_BASE_URL: keyed.baseUrl('letzai'), LETZAI_API_KEY_FILE: join(dir, 'absent.key') })),
        cli(args, env(other, { LETZAI_BASE_URL: keyed.baseUrl('letzai'), LETZAI_API_KEY: 'sk-wrong-key-xyz' }))
      ])
      expect(fromEnv.code, fromEnv.stderr).toBe(0)
      expect(named.code).toBe(2)
      expect(named.stderr).toContain(join(dir, 'absent.key'))
      // A key the provider rejects pauses its queue: the run stops (configuration to fix), the job is kept.
      expect(rejected.code, rejected.stderr).toBe(2)
      expect(rejected.stderr).toMatch(/LetzAI is paused: .*401/)
      expect(lastJson(rejected.stdout).jobs.map((j) => j.status)).toEqual(['queued'])
      for (const r of [fromEnv, named, rejected]) expect(r.stdout + r.stderr).not.toMatch(new RegExp(`${KEY}|sk-wrong-key-xyz`))
    })
  })
})

describe('prompt files', () => {
  const d = { provider: 'demo' as const, count: 1 }

  it('parses RFC 4180 CSV: quoted commas, doubled quotes, line breaks, CRLF, blank lines', () => {
    const items = [...csvRecords('a,b\r\n"x, y","say ""hi"""\r\n\r\n"multi\nline",z\nlast,\n')]
    const problems = items.filter((i) => i.problem)
    const records = items.map((i) => i.record)
    expect(problems).toEqual([])
    expect(records).toEqual([
      { line: 1, lastLine: 1, fields: ['a', 'b'] },
      { line: 2, lastLine: 2, fields: ['x, y', 'say "hi"'] },
      { line: 4, lastLine: 5, fields: ['multi\nline', 'z'] },
      { line: 6, lastLine: 6, fields: ['last', ''] }
    ])
  })

  it('names the line of every CSV problem', () => {
    expect(readPrompts('prompt\n"open\n', 'csv', d).problems).toEqual([{ line: 2, message: expect.stringMatching(/never closed/) }])
    expect(readPrompts('prompt\nsay "hi"\n', 'csv', d).problems).toEqual([{ line: 2, message: expect.stringMatching(/quote inside an unquoted field/) }])
    expect(readPrompts('prompt\n"a"b\n', 'csv', d).problems).toEqual([{ line: 2, message: expect.stringMatching(/after a closing quote/) }])
    expect(readPrompts('text\nx\n', 'csv', d).problems[0]).toMatchObject({ line: 1, message: expect.stringMatching(/unknown column "text"/) })
    expect(readPrompts('prompt,count\nx,0\ny,101\n', 'csv', d).problems.map((p) => p.line)).toEqual([2, 3])
    // An image model (no input) given an input file, and an upscale given none.
    expect(readPrompts('prompt,model,input\nx,images,/tmp/a.png\n', 'csv', d).problems[0].message).toMatch(/takes no input files/)
    expect(readPrompts('prompt,model\nx,upscales\n', 'csv', d).problems[0].message).toMatch(/needs an input image/)
  })

  it('takes a model the catalogue does not list, and input files per row', () => {
    const csv = readPrompts('prompt,model,input\nx,brand-new-model,\ny,upscales,a.png|/abs/b.png\n', 'csv', d)
    expect(csv.problems).toEqual([])
    expect(csv.rows.map((r) => [r.model, r.kind, r.inputs])).toEqual([
      ['brand-new-model', 'image', []],
      ['upscales', 'upscale', ['a.png', '/abs/b.png']]
    ])
    const jsonl = readPrompts('{"prompt":"z","model":"image-edits","input":["in.webp"]}\n', 'jsonl', d)
    expect(jsonl.rows[0]).toMatchObject({ model: 'image-edits', kind: 'edit', inputs: ['in.webp'] })
    expect(jsonl.groups[0].promptInputs).toEqual([['in.webp']])
    expect(readPrompts('{"prompt":"z","input":[3]}\n', 'jsonl', d).problems[0].message).toMatch(/"input" must be a file path/)
  })

  it('checks JSON lines and applies the defaults', () => {
    const { rows, problems } = readPrompts(
      '{"prompt":"a","input":"/in/a.png"}\n{"prompt":"b","count":3,"params":{"strength":3},"input":"/in/b.png"}\n',
      'jsonl',
      { ...d, count: 2, kind: 'upscale' }
    )
    expect(problems).toEqual([])
    expect(rows.map((r) => [r.prompt, r.model, r.count])).toEqual([
      ['a', 'upscales', 2],
      ['b', 'upscales', 3]
    ])
    const bad = readPrompts('not json\n[1]\n{"promt":"x"}\n{"prompt":""}\n{"prompt":"x","params":{"width":99999}}\n', 'jsonl', d).problems
    expect(bad.map((p) => p.line)).toEqual([1, 2, 3, 4, 5])
    expect(bad[4].message).toMatch(/width/)
  })

  it('skips blank lines and comments in text files', () => {
    expect(readPrompts('\uFEFF# head\none\n\n  # indented comment\n two \n', 'txt', d).rows.map((r) => [r.line, r.prompt])).toEqual([
      [2, 'one'],
      [5, 'two']
    ])
  })
})

describe('key files', () => {
  it('accepts owner-only files, refuses others by name without showing the key, and lets the env var win', () => {
    const dir = tempDir('bs-keys-')
    dirs.push(dir)
    const keys = headlessKeys(dir, {})
    expect(keys.get('letzai')).toBeNull()
    keys.set('letzai', 'file-key')
    const file = join(dir, 'keys', 'letzai.key')
    expect(keys.get('letzai')).toBe('file-key')
    expect(keys.check('letzai')).toMatchObject({ source: 'file', problem: null, envVar: 'LETZAI_API_KEY', file })
    if (process.platform !== 'win32') {
      chmodSync(file, 0o640)
      expect(keys.get('letzai')).toBeNull()
      expect(keys.check('letzai').problem).toContain(file)
      expect(keys.check('letzai').problem).not.toContain('file-key')
      expect(() => readKeyFile(file)).toThrow(/0640/)
    }
    expect(headlessKeys(dir, { LETZAI_API_KEY: 'env-key' }).get('letzai')).toBe('env-key')
    expect(headlessKeys(dir, {}).get('demo')).toBeNull()
  })
})
