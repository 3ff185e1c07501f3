// The composer's text → the prompts it queues: one per non-blank line, trimmed, checked against the
// limits queuePrompts enforces, so the user hears about a problem before pressing Queue.
import { MAX_PROMPT_LENGTH, MAX_PROMPTS_PER_CALL as MAX_PROMPTS } from '../../../shared/prompt-files'

export interface ParsedPrompts {
  prompts: string[]
  problem: string | null
}

export function parsePrompts(text: string): ParsedPrompts {
  const prompts: string[] = []
  let problem: string | null = null
  text.split(/\r?\n/).forEach((line, i) => {
    const prompt = line.trim()
    if (!prompt) return
    if (prompt.length > MAX_PROMPT_LENGTH && !problem) problem = `Line ${i + 1} is longer than ${MAX_PROMPT_LENGTH.toLocaleString()} characters.`
    prompts.push(prompt)
  })
  if (prompts.length > MAX_PROMPTS)
    problem = `That is ${prompts.length.toLocaleString()} prompts; at most ${MAX_PROMPTS.toLocaleString()} can be queued at once.`
  return { prompts, problem }
}

/** Adds imported lines after what is already typed, on a line of their own. */
export function appendLines(current: string, imported: string): string {
  const clean = imported
    .replace(/\r\n?/g, '\n')
    .replace(/^\uFEFF/, '')
    .trimEnd()
  if (!clean) return current
  if (!current.trim()) return clean
  return `${current.replace(/\s+$/, '')}\n${clean}`
}
