// Aurora's scheduler lifecycle states, as exported in /vars by scheduler_lifecycle_<STATE> gauges.
export const LIFECYCLE_STATES = [
  'IDLE',
  'PREPARING_STORAGE',
  'STORAGE_PREPARED',
  'LEADER_AWAITING_REGISTRATION',
  'ACTIVE',
  'DEAD',
] as const;
export type LifecycleState = (typeof LIFECYCLE_STATES)[number];
