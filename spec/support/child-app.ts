import { spawn, type ChildProcess } from 'node:child_process';

/**
 * A fixture app in a child process (run with tsx), read line by line from its stdout; its stderr
 * goes to ours. The crash specs SIGKILL it mid-stream and start another; the rebalance specs
 * stop it for a while (SIGSTOP) to have it dropped from the group.
 */
export abstract class ChildApp {
  private readonly child: ChildProcess;
  private output = '';

  constructor(fixture: string, env: Record<string, string>) {
    this.child = spawn(process.execPath, ['--import', 'tsx', fixture], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (chunk: Buffer) => this.read(chunk.toString()));
    this.child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  }

  /** SIGKILL: no close, no last commit. Resolves once the process is gone. */
  kill(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) return resolve();
      this.child.once('exit', () => resolve());
      this.child.kill('SIGKILL');
    });
  }

  /** SIGSTOP: the process stands still, as in a long pause, until `resume()`. */
  pause(): void {
    this.child.kill('SIGSTOP');
  }

  resume(): void {
    this.child.kill('SIGCONT');
  }

  protected abstract onLine(line: string): void;

  private read(text: string): void {
    this.output += text;
    const lines = this.output.split('\n');
    this.output = lines.pop()!;
    for (const line of lines) this.onLine(line);
  }
}
