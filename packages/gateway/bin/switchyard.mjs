#!/usr/bin/env node
// The installed `switchyard` command: registers tsx (the sources are TypeScript) and runs main.ts.
import { register } from 'tsx/esm/api'

register()
await import('../src/main.ts')
