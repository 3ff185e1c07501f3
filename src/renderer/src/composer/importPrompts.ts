// Prompt files in the composer: which files it takes, and reading a big one without freezing the window.
// The format and its checks are shared with the CLI (src/shared/prompt-files.ts).
import { checkedRows, PromptReader, type PromptFormat, type ReadResult, type RowDefaults } from '../../../shared/prompt-files'

/** Files the composer can read: by extension, or any text type. */
export function isPromptFile(file: { name: string; type: string }): boolean {
  return /\.(txt|text|md|csv|jsonl|ndjson|json)$/i.test(file.name) || file.type.startsWith('text/')
}

/** Lets the browser paint and handle input between slices of work. */
function yieldToBrowser(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0))
}

const SLICE_MS = 12

/**
 * readPrompts in slices of about 12 ms with the browser free in between: a 100,000-row file reads in the
 * background while the window stays responsive. Rejects with an AbortError when `signal` aborts.
 */
export async function readPromptsAsync(
  text: string,
  format: PromptFormat,
  d: RowDefaults,
  options: { signal?: AbortSignal; onProgress?(rowsRead: number): void } = {}
): Promise<ReadResult> {
  const reader = new PromptReader()
  let sliceStart = performance.now()
  let n = 0
  for (const item of checkedRows(text, format, d)) {
    reader.add(item)
    if (++n % 64 === 0 && performance.now() - sliceStart > SLICE_MS) {
      options.onProgress?.(n)
      await yieldToBrowser()
      if (options.signal?.aborted) throw new DOMException('Import canceled', 'AbortError')
      sliceStart = performance.now()
    }
  }
  return reader.result()
}
