// The free "Extra parameters (JSON)" box of a typed-in model id: whatever fields the provider documents for
// it, sent as they are. The contract carries only flat string, number and boolean values, so that is what
// the box accepts; anything else is named plainly before Queue.
import type { ParamValue } from '../../../shared/prompt-files'

export function parseExtraParams(text: string): { params: Record<string, ParamValue>; problem: string | null } {
  if (text.trim() === '') return { params: {}, problem: null }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (err) {
    return { params: {}, problem: `Extra parameters are not valid JSON (${err instanceof Error ? err.message : String(err)}).` }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return { params: {}, problem: 'Extra parameters must be a JSON object, e.g. {"steps": 30, "style": "photo"}.' }
  const params: Record<string, ParamValue> = {}
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value !== 'string' && typeof value !== 'boolean' && !(typeof value === 'number' && Number.isFinite(value)))
      return { params: {}, problem: `Extra parameter “${name}” must be a string, number or true/false (lists and objects cannot be sent).` }
    params[name] = value
  }
  return { params, problem: null }
}
