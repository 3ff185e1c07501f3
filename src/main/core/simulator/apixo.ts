// APIXO's protocol as ../shared/providers/README.md pins it:
//   POST /generateTask/{model} {request_type: "async", input: {prompt, ...}} → {code, msg, data: {taskId}}
//   GET  /checkStatus/{model}?taskId=… → {code, msg, data: {taskId, state, resultJson?, failCode?, failMsg?}}
// Every answer is the `{code, msg, data}` envelope, and errors come inside it at HTTP 200: a bad key is
// `{code: 401}`, the rate limit `{code: 429}`, and so are injected 401/402/403/404/429/500 faults (a 429 fault's
// Retry-After, if any, is sent as a header too). States: pending, processing, success, failed. `resultJson` is a
// JSON-encoded string whose `resultUrls` lists the outputs: png for image models, mp4 for video, wav for suno.
// Tests shape a job through `job.extra`: badResultJson: `resultJson` is cut short (not JSON).
import type { IncomingMessage, ServerResponse } from 'node:http'
import { modelInfo } from '../../../shared/catalogue'
import { applyFault, bearer, readBody, sendJson, SimEngine, simKindOf, type Fault } from './engine'
import type { HandlerContext } from './server'

const STATE = { queued: 'pending', running: 'processing', succeeded: 'success', failed: 'failed', canceled: 'failed' } as const
const ENVELOPE_FAULTS = new Set(['401', '402', '403', '404', '429', '500'])
const MESSAGES: Record<string, string> = {
  '401': 'Unauthorized: invalid API key',
  '402': 'Insufficient credits',
  '403': 'Forbidden',
  '404': 'Not found',
  '429': 'Rate limit exceeded, please slow down',
  '500': 'Internal server error'
}

function envelope(res: ServerResponse, code: number, data: unknown, msg = code === 200 ? 'success' : (MESSAGES[code] ?? 'error'), headers: Record<string, string> = {}): void {
  sendJson(res, 200, { code, msg, data }, headers)
}

async function apixoFault(fault: Fault | undefined, res: ServerResponse): Promise<boolean> {
  if (fault && ENVELOPE_FAULTS.has(fault.fault)) {
    envelope(res, Number(fault.fault), null, undefined, fault.retryAfter !== undefined ? { 'Retry-After': fault.retryAfter } : {})
    return true
  }
  return applyFault(fault, res, '{"code": 200, "msg": "success", "data": {"taskId": ')
}

export async function handleApixo(engine: SimEngine, req: IncomingMessage, res: ServerResponse, path: string, ctx: HandlerContext): Promise<void> {
  const [, action, model] = path.split('/')
  if (!engine.checkKey('apixo', bearer(req))) return envelope(res, 401, null)
  const submit = req.method === 'POST' && action === 'generateTask'
  const status = req.method === 'GET' && action === 'checkStatus'
  if (!submit && !status) return sendJson(res, 404, { code: 404, msg: 'Not found', data: null })
  const fault = engine.takeFault('apixo', submit ? 'submit' : 'poll')
  if (await apixoFault(fault, res)) return
  if (!engine.takeToken('apixo')) {
    engine.rateLimited429s++
    return envelope(res, 429, null, undefined, { 'Retry-After': String(engine.options.rateLimit?.retryAfterSeconds ?? 1) })
  }
  if (!model || !modelInfo('apixo', model)) return envelope(res, 404, null, `Unknown model "${model ?? ''}"`)

  if (submit) {
    let body: { request_type?: unknown; input?: { prompt?: unknown } }
    try {
      body = JSON.parse(await readBody(req))
    } catch {
      return envelope(res, 400, null, 'Body is not JSON')
    }
    if (body?.request_type !== 'async') return envelope(res, 400, null, 'request_type must be "async" (callbacks need a callback_url)')
    const prompt = body.input?.prompt
    if (typeof prompt !== 'string' || !prompt) return envelope(res, 422, null, 'input.prompt is required')
    const job = engine.createJob('apixo', { model, kind: simKindOf('apixo', model), prompt })
    return envelope(res, 200, { taskId: job.id })
  }

  const taskId = ctx.url.searchParams.get('taskId')
  const job = taskId ? engine.jobs.get(taskId) : undefined
  if (!job || job.provider !== 'apixo' || job.model !== model) return envelope(res, 404, null, `Task ${taskId ?? ''} not found`)
  const state = engine.recordPoll(job)
  const data: Record<string, unknown> = { taskId: job.id, model, state: fault?.fault === 'unknown_status' ? 'queuing' : STATE[state.phase] }
  if (state.phase === 'succeeded') {
    const url = engine.fileUrl(job, 0, SimEngine.extOf(job.kind))
    const json = JSON.stringify({ resultUrls: [url] })
    data.resultJson = job.extra.badResultJson ? json.slice(0, json.length - 12) : json
    data.completeTime = job.readyAt
  }
  if (state.phase === 'failed' || state.phase === 'canceled') {
    data.failCode = 'GENERATION_FAILED'
    data.failMsg = 'The simulated model refused this prompt'
  }
  return envelope(res, 200, data)
}
