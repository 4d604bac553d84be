#!/usr/bin/env node
// The `switchyard` executable: the only module with side effects. Everything it runs is in cli/.
import { runCli } from './cli/index.ts'

const code = await runCli(process.argv.slice(2))
// -1: a long-running role (a cluster worker) that exits on its own.
if (code >= 0) {
  process.exitCode = code
  // Let stdout/stderr drain, then leave even if a library kept a handle open.
  setImmediate(() => process.exit(code))
}
