// The page main serves with the Queue's first screen rendered in: the renderer's own server entry over a
// real core (SQLite, the contract), and the page and policy that carry its markup.
import { createHash } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Core } from '../../../src/main/core/core'
import { firstScreenHost, pageWithFirstScreen, rendererPage } from '../../../src/main/serve/firstScreen'
import { headlessAssetUrl } from '../../../src/shared/assetUrl'
import { CSP } from '../../../src/shared/csp'
import type { FirstScreenState, RenderFirstScreen } from '../../../src/shared/firstScreen'
import { openTestCore, tempDir, until } from '../../helpers/core'

const INDEX = `<!doctype html>
<html><head>
    <meta
      http-equiv="Content-Security-Policy"
      content="default-src 'self'; style-src 'self'"
    />
    <title>Batch Studio</title>
</head><body>
    <div id="root"></div>
</body></html>`

// The renderer's server entry from source, typed by its contract as main loads it: its own types are the
// renderer's (DOM, JSX), checked with the renderer.
const SERVER_ENTRY = '../../../src/renderer/src/server.tsx'
const { renderFirstScreen } = (await import(SERVER_ENTRY)) as { renderFirstScreen: RenderFirstScreen }

const STATE = {
  now: 1_700_000_000_000,
  jobs: { total: 1, jobs: [{ id: 1, prompt: 'a fox' }] }
} as unknown as FirstScreenState

const sha256 = (value: string) => createHash('sha256').update(value).digest('base64')
const styleHashes = (policy: string) => [...policy.matchAll(/'sha256-([^']+)'/g)].map((m) => m[1]).sort()

describe('pageWithFirstScreen', () => {
  it('puts the screen in the root, inert, and allows exactly its style attributes', () => {
    const screen =
      '<div style="transform:translateY(0px)">a</div><div style="transform:translateY(52px)">b</div><div style="transform:translateY(52px)"></div><i style="content:&quot;x&amp;y&quot;"></i>'
    const { html, policy } = pageWithFirstScreen(INDEX, { html: screen, state: STATE }, CSP)
    expect(html).toContain(`<div id="root"><div class="first-screen" inert>${screen}</div></div>`)
    // The page's own policy would forbid the style attributes; the header carries the one that allows them.
    expect(html).not.toContain('Content-Security-Policy')
    expect(styleHashes(policy)).toEqual(['transform:translateY(0px)', 'transform:translateY(52px)', 'content:"x&y"'].map(sha256).sort())
    expect(policy).toContain("script-src 'self';")
  })

  it('refuses a page without an empty root, rather than serve the screen twice or nowhere', () => {
    expect(() => pageWithFirstScreen('<body><div id="root">x</div></body>', { html: '<p></p>', state: STATE }, CSP)).toThrow(/root/)
  })

  it('leaves the state beside the screen as JSON that no text in it can break out of', () => {
    const hostile = '</script><script>alert(1)</script><!-- $& $1'
    const state = { ...STATE, jobs: { total: 1, jobs: [{ ...STATE.jobs.jobs[0], prompt: hostile }] } } as FirstScreenState
    const { html } = pageWithFirstScreen(INDEX, { html: '<p></p>', state }, CSP)
    const scripts = [...html.matchAll(/<script type="application\/json" id="first-screen-state">([^<]*)<\/script>/g)]
    expect(scripts).toHaveLength(1)
    expect(JSON.parse(scripts[0][1])).toEqual(state)
    expect(html).not.toContain('<script>alert')
  })
})

describe('the first screen of a real library', () => {
  let core: Core
  let rendererDir: string

  beforeAll(async () => {
    core = await openTestCore()
    rendererDir = tempDir('bs-first-screen-')
    mkdirSync(rendererDir, { recursive: true })
    writeFileSync(join(rendererDir, 'index.html'), INDEX)
    await core.api.queuePrompts({ prompts: ['a red fox', '</div><script>alert(1)</script><div style="color:red">', 'a green frog'], count: 1 })
    await until(async () => (await core.api.listJobs({ status: ['done'] })).total === 3, 20_000, 'three jobs done')
  })

  afterAll(async () => {
    await core.close()
  })

  it('renders the Queue with its newest rows, their thumbnails, and user text as text', async () => {
    const { html, policy } = await rendererPage(rendererDir, renderFirstScreen, firstScreenHost(core, headlessAssetUrl), CSP, (err) => {
      throw err
    })
    const state = JSON.parse(/id="first-screen-state">([^<]*)</.exec(html)![1]) as FirstScreenState
    expect(state.jobs).toEqual(await core.api.listJobs({ limit: 40 }))
    const rows = [...html.matchAll(/data-testid="job-row" data-job-id="(\d+)"/g)].map((m) => Number(m[1]))
    const { jobs } = await core.api.listJobs({})
    expect(rows).toEqual(jobs.map((j) => j.id))
    expect(html).toContain('a red fox')
    expect(html).toContain('&lt;/div&gt;&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(html).not.toContain('<script>alert')
    expect(html).toContain(`src="${headlessAssetUrl(jobs[0].firstAssetId!, 'thumb')}"`)
    // Only the app's own style attributes are allowed: the rows' positions (these jobs are done, and a job that
    // has stopped shows no progress bar).
    const allowed = new Set(styleHashes(policy))
    for (const style of ['transform:translateY(0px)', 'transform:translateY(52px)']) expect(allowed.has(sha256(style)), style).toBe(true)
    expect(allowed.has(sha256('width:100%'))).toBe(false)
    expect(allowed.has(sha256('color:red'))).toBe(false)
  })

  it('serves the page as built when the first screen cannot render, and says why', async () => {
    const errors: string[] = []
    const failing = firstScreenHost(core, headlessAssetUrl)
    failing.listJobs = () => Promise.reject(new Error('library closed'))
    const page = await rendererPage(rendererDir, renderFirstScreen, failing, CSP, (err) => errors.push(err.message))
    expect(page).toEqual({ html: INDEX, policy: CSP })
    expect(errors).toEqual(['library closed'])
    // And the next page renders again: a failure leaves nothing behind.
    expect((await rendererPage(rendererDir, renderFirstScreen, firstScreenHost(core, headlessAssetUrl), CSP, () => {})).html).toContain('a red fox')
  })

  it('serves the page as built when there is no server entry beside the renderer', async () => {
    expect(await rendererPage(rendererDir, undefined, firstScreenHost(core, headlessAssetUrl), CSP, () => {})).toEqual({ html: INDEX, policy: CSP })
  })
})
