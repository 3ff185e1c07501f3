// The export dialog's defaults and checks, kept apart from the component so they read plainly: where an
// export goes unless told otherwise, the file-name placeholders, and what counts as an absolute path.

export const DEFAULT_TEMPLATE = '{batch}/{prompt}-{job}'

/** The placeholders the core fills in a file-name template (src/main/core/library/export.ts). */
export const PLACEHOLDERS: readonly { key: string; help: string }[] = [
  { key: '{batch}', help: 'batch name' },
  { key: '{prompt}', help: 'the prompt, shortened' },
  { key: '{job}', help: 'job id' },
  { key: '{index}', help: 'result number within the job' },
  { key: '{provider}', help: 'provider id' },
  { key: '{model}', help: 'model id' }
]

/** Absolute on any OS the app runs on: /home/…, C:\…, C:/…, or a UNC share \\server\…. */
export function isAbsolutePath(path: string): boolean {
  return /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(path)
}

function separator(root: string): string {
  return root.includes('\\') && !root.includes('/') ? '\\' : '/'
}

/** batch-studio-2025-01-31-142501: sortable, and distinct for every export started a second apart. */
export function exportName(now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0')
  return `batch-studio-${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`
}

/** <outputRoot>/exports/<name>.zip (or without .zip for a folder). */
export function defaultDestination(outputRoot: string, format: 'zip' | 'folder', name = exportName()): string {
  const sep = separator(outputRoot)
  const root = outputRoot.replace(/[\\/]+$/, '')
  return `${root}${sep}exports${sep}${name}${format === 'zip' ? '.zip' : ''}`
}

/** The same destination for the other format: adds or drops the .zip. */
export function withFormat(destination: string, format: 'zip' | 'folder'): string {
  const trimmed = destination.trim()
  if (!trimmed) return destination
  const isZip = /\.zip$/i.test(trimmed)
  if (format === 'zip' && !isZip) return `${trimmed.replace(/[\\/]+$/, '')}.zip`
  if (format === 'folder' && isZip) return trimmed.slice(0, -4)
  return destination
}

export function validate(destination: string, template: string): { field: 'destination' | 'template'; message: string } | null {
  const dest = destination.trim()
  const bad = (field: 'destination' | 'template', message: string) => ({ field, message })
  if (!dest) return bad('destination', 'Choose where the export goes.')
  if (!isAbsolutePath(dest)) return bad('destination', 'The destination must be an absolute path (for example /home/you/Pictures/export.zip).')
  if (dest.length > 4096) return bad('destination', 'The destination path is too long.')
  if (!template.trim()) return bad('template', 'The file-name template cannot be empty.')
  if (template.length > 200) return bad('template', 'The file-name template is too long (200 characters at most).')
  return null
}
