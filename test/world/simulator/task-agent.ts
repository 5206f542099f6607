// The simulated Mesos agent and executor: moves each task one step along its lifecycle per tick.
import { ScheduleStatus, type ScheduledTask } from '../../../src/thrift/api-types.ts';
import { transition } from './task-model.ts';

export const AGENT_ID = 'sim-agent-0';
export const AGENT_HOST = 'localhost';

export interface AgentOptions {
  now: number;
  scheduler: string;
  /** Executor crash: launched tasks fail before STARTING. */
  executorCrash: boolean;
}

function step(task: ScheduledTask, o: AgentOptions): ScheduledTask {
  switch (task.status) {
    case ScheduleStatus.PENDING: {
      const assigned = {
        ...task,
        assignedTask: { ...task.assignedTask, slaveId: AGENT_ID, slaveHost: AGENT_HOST },
      };
      return transition(assigned, ScheduleStatus.ASSIGNED, o.now, o.scheduler);
    }
    case ScheduleStatus.ASSIGNED:
      return o.executorCrash
        ? transition(task, ScheduleStatus.FAILED, o.now, o.scheduler, 'Executor terminated')
        : transition(task, ScheduleStatus.STARTING, o.now, o.scheduler, 'Initializing sandbox.');
    case ScheduleStatus.STARTING:
      return transition(task, ScheduleStatus.RUNNING, o.now, o.scheduler);
    case ScheduleStatus.KILLING:
      return transition(task, ScheduleStatus.KILLED, o.now, o.scheduler, 'Task killed');
    default:
      return task;
  }
}

const MOVING: readonly number[] = [
  ScheduleStatus.PENDING,
  ScheduleStatus.ASSIGNED,
  ScheduleStatus.STARTING,
  ScheduleStatus.KILLING,
];

export function needsProgress(tasks: readonly ScheduledTask[]): boolean {
  return tasks.some((t) => MOVING.includes(t.status));
}

export function advanceTasks(tasks: readonly ScheduledTask[], o: AgentOptions): ScheduledTask[] {
  return tasks.map((t) => step(t, o));
}
