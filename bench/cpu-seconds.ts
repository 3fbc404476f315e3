/** This process's CPU time so far (user + system), in seconds: the CPU benches' clock. */
export function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}
