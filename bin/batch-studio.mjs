#!/usr/bin/env node
// `batch-studio`: runs the CLI (src/main/cli.ts) in this process through tsx's loader. Paths are resolved
// from this file's real location (npm links bins through symlinks; Node resolves them), so it works from any
// working directory and when installed as a bin.
import { register } from 'tsx/esm/api'

register()
await import(new URL('../src/main/cli.ts', import.meta.url).href)
