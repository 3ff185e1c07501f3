// BFL's protocol as ../shared/providers/README.md pins it: POST /v1/{model} with `x-key` → {id, polling_url};
// GET <polling_url> → {id, status, result: {sample}, progress, error}. The polling_url is absolute and on
// another host than the one the submit went to (127.0.0.1 ↔ localhost stand in for api.bfl.ai and a regional
// api.eu1.bfl.ai), `result.sample` lives on the files host and expires `urlTtlMs` (10 minutes) after it was
// handed out (every poll of a Ready task hands out a fresh one), and a key has at most `maxActiveTasks`
// tasks running (429 beyond).
//
// Polls that arrive on the polling_url's own host are authorized by the task id in the URL: a client that
// rightly keeps its key away from a host it does not trust can still follow the URL. Polls on any other host
// need the key, as on the real API. Tests shape a job's end through `job.extra`:
//   finalStatus: the terminal status word instead of Ready/Error ('Request Moderated', 'Content Moderated',
//                'Failed', 'Task not found');  lost: answer 'Task not found' from the start.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { modelInfo } from '../../../shared/catalogue'
import { applyFault, readBody, sendJson, type SimEngine, type SimJob } from './engine'
import type { HandlerContext } from './server'

const TEN_MINUTES = 10 * 60_000

function activeTasks(engine: SimEngine): number {
  const now = engine.now()
  let n = 0
  for (const job of engine.jobs.values()) if (job.provider === 'bfl' && job.canceledAt === null && now < job.readyAt) n++
  return n
}

/** The "other host" of the pair: the submit's host with 127.0.0.1 and localhost swapped. */
function regionalHost(host: string): string {
  if (host.startsWith('127.0.0.1')) return host.replace('127.0.0.1', 'localhost')
  if (host.startsWith('localhost')) return host.replace('localhost', '127.0.0.1')
  return host
}

function resultBody(engine: SimEngine, job: SimJob, statusOverride?: string): Record<string, unknown> {
  if (job.extra.lost) return { id: job.id, status: 'Task not found', result: null, progress: null }
  const state = engine.recordPoll(job)
  const terminal = state.phase !== 'queued' && state.phase !== 'running'
  const body: Record<string, unknown> = { id: job.id, status: 'Pending', result: null, progress: terminal ? null : Math.round(state.progress * 100) / 100 }
  if (statusOverride) return { ...body, status: statusOverride }
  if (!terminal) return body
  if (typeof job.extra.finalStatus === 'string') {
    const status = job.extra.finalStatus
    return { ...body, status, details: status.includes('Moderated') ? { 'Moderation Reasons': ['Simulated moderation'] } : null }
  }
  if (state.phase === 'failed' || state.phase === 'canceled') return { ...body, status: 'Error', error: 'Generation failed: the simulated model refused this prompt' }
  const now = engine.now()
  const sample = engine.fileUrl(job, 0, 'png', now + (engine.options.urlTtlMs ?? TEN_MINUTES))
  return { ...body, status: 'Ready', result: { sample, prompt: job.prompt, seed: Number.parseInt(job.id.slice(0, 6), 16), start_time: job.createdAt / 1000, end_time: job.readyAt / 1000, duration: (job.readyAt - job.createdAt) / 1000 } }
}

export async function handleBfl(engine: SimEngine, req: IncomingMessage, res: ServerResponse, path: string, ctx: HandlerContext): Promise<void> {
  const [, version, model] = path.split('/')
  if (version !== 'v1' || !model) return sendJson(res, 404, { detail: 'Not Found' })
  const host = req.headers.host ?? ''
  const polling = req.method === 'GET' && model === 'get_result'
  const job = polling ? engine.jobs.get(ctx.url.searchParams.get('id') ?? '') : undefined
  // The polling_url's own host trusts the id in the URL; everywhere else the key is required.
  const keyless = polling && (job ? job.extra.pollHost === host : host.startsWith('localhost'))
  const key = typeof req.headers['x-key'] === 'string' ? req.headers['x-key'] : null
  if (!keyless && !engine.checkKey('bfl', key)) return sendJson(res, 401, { detail: 'Not authenticated - Invalid Authentication' })
  const fault = engine.takeFault('bfl', polling ? 'poll' : 'submit')
  if (await applyFault(fault, res)) return
  if (!engine.takeToken('bfl')) {
    engine.rateLimited429s++
    return sendJson(res, 429, { detail: 'Too many requests' }, { 'Retry-After': String(engine.options.rateLimit?.retryAfterSeconds ?? 1) })
  }

  if (polling) {
    if (!job) return sendJson(res, 200, { id: ctx.url.searchParams.get('id'), status: 'Task not found', result: null, progress: null })
    return sendJson(res, 200, resultBody(engine, job, fault?.fault === 'unknown_status' ? 'Warming Up' : undefined))
  }

  if (req.method !== 'POST') return sendJson(res, 405, { detail: 'Method Not Allowed' })
  if (!modelInfo('bfl', model)) return sendJson(res, 404, { detail: `Unknown endpoint /v1/${model}` })
  let body: { prompt?: unknown }
  try {
    body = JSON.parse(await readBody(req))
  } catch {
    return sendJson(res, 422, { detail: 'Body is not JSON' })
  }
  if (typeof body?.prompt !== 'string' || !body.prompt) return sendJson(res, 422, { detail: [{ loc: ['body', 'prompt'], msg: 'field required' }] })
  const cap = engine.options.maxActiveTasks ?? 24
  if (activeTasks(engine) >= cap) {
    const retryAfter = engine.options.activeTasksRetryAfter
    return sendJson(res, 429, { detail: `You have exceeded the number of active tasks (${cap})` }, retryAfter !== undefined ? { 'Retry-After': retryAfter } : {})
  }
  const pollHost = regionalHost(host)
  const created = engine.createJob('bfl', { model, kind: 'image', prompt: body.prompt, extra: { pollHost } })
  return sendJson(res, 200, { id: created.id, polling_url: `http://${pollHost}/bfl/v1/get_result?id=${created.id}` })
}
