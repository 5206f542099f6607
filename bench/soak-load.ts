// The soak's steady load: one createJob through the leader's Thrift API every few seconds, counted; paused while
// a restore runs, since a job created between its backup and its check would differ from the backup.
import { setTimeout as sleep } from 'node:timers/promises';
import type { E2eEnv } from '../test/e2e/harness.ts';
import { createSoakJob } from './soak-thrift.ts';

export interface JobLoad {
  readonly created: number;
  readonly failed: number;
  /** resolves once no call is in flight; no call starts until resume() */
  pause(): Promise<void>;
  resume(): void;
  stop(): Promise<void>;
}

export function startJobLoad(e: E2eEnv, intervalMs: number, prefix: string): JobLoad {
  let created = 0;
  let failed = 0;
  let paused = false;
  let stopped = false;
  let n = 0;
  let inFlight: Promise<unknown> = Promise.resolve();
  const loop = (async () => {
    while (!stopped) {
      if (!paused) {
        inFlight = createSoakJob(e, `${prefix}-${n++}`).then(
          () => created++,
          () => failed++,
        );
        await inFlight;
      }
      await sleep(intervalMs);
    }
  })();
  return {
    get created() {
      return created;
    },
    get failed() {
      return failed;
    },
    async pause() {
      paused = true;
      // the loop reads the flag before each call, so only the call already made can still land
      await inFlight;
    },
    resume() {
      paused = false;
    },
    async stop() {
      stopped = true;
      await loop;
    },
  };
}
