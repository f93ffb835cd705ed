// Is a process of this machine still there? Signal 0 checks without sending anything. EPERM
// means it exists but belongs to someone else; only ESRCH proves it is gone.
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
