import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ReadDeadlines, type ReadWatch } from './read-deadlines.ts'

function watcher(readTimeoutMs: number): ReadWatch & { fired: number } {
  return {
    readDeadline: 0,
    readActive: false,
    readTimeoutMs,
    fired: 0,
    readTimedOut() {
      this.fired++
    },
  }
}

describe('ReadDeadlines', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] }))
  afterEach(() => vi.useRealTimers())

  it('fires once the timeout passed with nothing received, at most one resolution late', () => {
    const deadlines = new ReadDeadlines(10)
    const w = watcher(100)
    deadlines.watch(w)
    vi.advanceTimersByTime(99)
    expect(w.fired).toBe(0)
    vi.advanceTimersByTime(11)
    expect(w.fired).toBe(1)
    expect(deadlines.size).toBe(0)
    vi.advanceTimersByTime(500)
    expect(w.fired).toBe(1)
  })

  it('restarts the wait after activity', () => {
    const deadlines = new ReadDeadlines(10)
    const w = watcher(100)
    deadlines.watch(w)
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(50)
      w.readActive = true
    }
    expect(w.fired).toBe(0)
    vi.advanceTimersByTime(120)
    expect(w.fired).toBe(1)
  })

  it('never fires for an exchange no longer watched, and starts again for new ones', () => {
    const deadlines = new ReadDeadlines(10)
    const done = watcher(50)
    deadlines.watch(done)
    vi.advanceTimersByTime(20)
    deadlines.unwatch(done)
    vi.advanceTimersByTime(200)
    expect(done.fired).toBe(0)
    const next = watcher(30)
    deadlines.watch(next)
    vi.advanceTimersByTime(45)
    expect(next.fired).toBe(1)
  })

  it('keeps each exchange to its own timeout', () => {
    const deadlines = new ReadDeadlines(10)
    const short = watcher(40)
    const long = watcher(400)
    deadlines.watch(short)
    deadlines.watch(long)
    vi.advanceTimersByTime(60)
    expect([short.fired, long.fired]).toEqual([1, 0])
    vi.advanceTimersByTime(360)
    expect([short.fired, long.fired]).toEqual([1, 1])
  })
})
