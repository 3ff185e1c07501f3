// `batch-studio send` and `batch-studio sheet` end to end: the real bin in child processes on a temp data
// folder, the Demo pointed at a simulator this process owns (DEMO_BASE_URL), real files read back.
import { spawn } from 'node:child_process'
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readPngText } from '../../src/main/core/library/png-text'
import { startSimulator, type Simulator } from '../../src/main/demo/server'
import { tempDir } from '../helpers/core'

const BIN = fileURLToPath(new URL('../../bin/batch-studio.mjs', import.meta.url))

function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const clean: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) if (!/(_API_KEY|_API_KEY_FILE|_BASE_URL)$|^BATCH_STUDIO_/.test(k)) clean[k] = v
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...clean, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })))
}

const last = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!)

describe('batch-studio send and sheet', () => {
  let sim: Simulator
  let dir: string
  let env: Record<string, string>
  beforeAll(async () => {
    sim = await startSimulator({ durationMs: 200, failureRate: 0 })
    dir = tempDir('bs-cli-lineage-')
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ outputRoot: join(dir, 'out'), providers: { demo: { strategy: 'exponential' } } }))
    env = { BATCH_STUDIO_DATA_DIR: dir, DEMO_BASE_URL: sim.baseUrl('letzai') }
  })
  afterAll(async () => {
    await sim?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('sends the files of some jobs to an upscale and writes the batch sheet as a PNG', async () => {
    const prompts = join(dir, 'prompts.txt')
    writeFileSync(prompts, 'a red kite\na blue kite\na green kite\n')
    const run = await cli(['run', '--prompts', prompts, '--json'], env)
    expect(run.code, run.stderr).toBe(0)
    const made = last(run.stdout).jobs as { id: number }[]
    const sent = await cli(['send', '--jobs', `${made[0].id},${made[2].id}`, '--model', 'upscales', '--params', '{"strength": 2}', '--json'], env)
    expect(sent.code, sent.stderr).toBe(0)
    expect(sent.stderr).toMatch(/Sent 2 files to demo\/upscales as batch #2/)
    const jobs = last(sent.stdout).jobs as { id: number; model: string; prompt: string; status: string; files: string[] }[]
    expect(jobs.map((j) => [j.model, j.prompt, j.status])).toEqual([
      ['upscales', 'a red kite', 'done'],
      ['upscales', 'a green kite', 'done']
    ])
    for (const j of jobs) expect(existsSync(j.files[0])).toBe(true)

    // A refusal names the problem and queues nothing (exit 2): the Demo's text-to-image takes no input.
    const refused = await cli(['send', '--jobs', String(made[1].id), '--model', 'images'], env)
    expect(refused.code).toBe(2)
    expect(refused.stderr).toMatch(/takes no input file.*Nothing was queued/)
    expect(last((await cli(['status', '--json'], env)).stdout).total).toBe(5)
    expect((await cli(['send', '--model', 'upscales'], env)).stderr).toMatch(/name what to send/)

    const out = join(dir, 'sheets')
    const sheet = await cli(['sheet', '--batch-id', '1', '--out', out, '--cell', '96', '--json'], env)
    expect(sheet.code, sheet.stderr).toBe(0)
    const written = last(sheet.stdout) as { path: string; cells: number }
    expect(written.cells).toBe(3)
    const png = readFileSync(written.path)
    const meta = JSON.parse(readPngText(png)['batch-studio:sheet'])
    expect(meta.rows).toEqual(['a red kite', 'a blue kite', 'a green kite'])
    expect(meta.cols).toEqual(['Demo · Image'])
    expect((await sharp(png).metadata()).width).toBe(meta.geometry.width)
    const html = await cli(['sheet', '--batch-id', '2', '--out', out, '--format', 'html'], env)
    expect(html.code, html.stderr).toBe(0)
    expect(readFileSync(html.stdout.trim(), 'utf8')).toContain('a green kite')
    expect((await cli(['sheet', '--batch-id', '99', '--out', out], env)).stderr).toMatch(/batch 99 does not exist/)
  })
})
