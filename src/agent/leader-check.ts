// Whether the scheduler beside this agent leads: Aurora's /leaderhealth answers 200 only on the leader.
const LEADER_CHECK_TIMEOUT_MS = 2_000;

/** schedulerLeads is false when the scheduler does not answer: deleting can always wait for a clear answer. */
export async function schedulerLeads(schedulerUrl: string | undefined): Promise<boolean> {
  if (schedulerUrl === undefined) return false;
  try {
    const res = await fetch(`${schedulerUrl}/leaderhealth`, {
      signal: AbortSignal.timeout(LEADER_CHECK_TIMEOUT_MS),
      redirect: 'manual',
    });
    await res.body?.cancel();
    return res.status === 200;
  } catch {
    return false;
  }
}
