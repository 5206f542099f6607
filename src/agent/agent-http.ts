// The agent's HTTP answers: JSON bodies, and the slots that bound how many backup transfers run at once.
import type { ServerResponse } from 'node:http';

export function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export interface Slots {
  readonly max: number;
  take(): boolean;
  release(): void;
}

export function createSlots(max: number): Slots {
  let used = 0;
  return {
    max,
    take: () => {
      if (used >= max) return false;
      used++;
      return true;
    },
    release: () => {
      used--;
    },
  };
}
