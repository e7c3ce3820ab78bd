// Waiting in tests for what happens across a process or a loopback connection (a watch event
// reaching kube-manager, a child process freeing its port): poll the observable condition, never
// sleep a fixed time. Fails naming what was awaited.

export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
