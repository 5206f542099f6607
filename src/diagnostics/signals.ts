// Extra signals a reconcile pass reads for the diagnostics, kept apart from the fields other features add.

/** One task as the executor rule needs it: how it ended and whether it ever started. */
export interface TaskOutcome {
  taskId: string;
  status: 'FAILED' | 'LOST' | 'OTHER';
  /** The task reached STARTING or RUNNING at some point. */
  started: boolean;
  /** Time (ms) of the task's newest event. */
  lastEventAt: number;
  /** Time (ms) of its newest STARTING/RUNNING event, when it started. */
  startedAt?: number;
}

/** A serverset member's advertised host as the operator resolves and reaches it. */
export interface AdvertisedEndpoint {
  node: string;
  host: string;
  port: number;
  /** The address the host name resolved to, or undefined when it did not resolve. */
  address?: string;
  reachable: boolean;
}

export interface DiagnosticSignals {
  /** Pod name to whether its LIBPROCESS_IP:LIBPROCESS_PORT accepted a TCP connection from the operator. */
  libprocessReachable: Record<string, boolean>;
  advertised: AdvertisedEndpoint[];
  /** Recent tasks from getTasksWithoutConfigs on the leader; undefined without an active leader. */
  tasks?: {
    outcomes: TaskOutcome[];
    error?: string;
    /** the read returned as many tasks as its limit allowed: some were left out */
    truncatedAt?: number;
  };
  /** listBackups on the leader. */
  backups?: { names: string[]; error?: string };
}

export const NO_SIGNALS: DiagnosticSignals = { libprocessReachable: {}, advertised: [] };
