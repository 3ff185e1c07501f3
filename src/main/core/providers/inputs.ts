// Local input files on their way to a provider: checked against what the provider takes (type, size) before
// any byte is read, then read as base64 / a data URL for APIs that take them in the JSON body, or opened as
// a Blob backed by the file (streamed from disk, never held whole) for multipart uploads.
import { openAsBlob } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { ProviderError } from './http'
import type { InputFile } from './types'

export interface InputRules {
  /** The provider, for messages. */
  label: string
  /** MIME types the provider takes; a prefix like 'image/' takes every subtype. */
  accept: readonly string[]
  maxBytes: number
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`
}

/** Refuses a file the provider would refuse, with a message a user can act on. */
export function checkInput(file: InputFile, rules: InputRules): void {
  const ok = rules.accept.some((a) => (a.endsWith('/') ? file.mime.startsWith(a) : file.mime === a))
  if (!ok) throw new ProviderError('rejected', `${rules.label} does not take ${file.mime} files as input (${file.name}); it takes ${rules.accept.join(', ')}`)
  if (file.size > rules.maxBytes)
    throw new ProviderError('rejected', `${file.name} is ${megabytes(file.size)}; ${rules.label} takes input files up to ${megabytes(rules.maxBytes)}`)
}

export async function inputBase64(file: InputFile, rules: InputRules): Promise<string> {
  checkInput(file, rules)
  return (await readFile(file.path)).toString('base64')
}

export async function inputDataUrl(file: InputFile, rules: InputRules): Promise<string> {
  return `data:${file.mime};base64,${await inputBase64(file, rules)}`
}

/** A Blob that reads the file as it is sent (multipart uploads). */
export async function inputBlob(file: InputFile, rules: InputRules): Promise<Blob> {
  checkInput(file, rules)
  return openAsBlob(file.path, { type: file.mime })
}
