import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A Redis server of a spec's own, on its own port, for specs that stop and start it: the Redis
 * other specs share (6379) is never touched. Like the machine's, it keeps nothing on disk, so a
 * restart loses every key. `stop()` at the end leaves nothing running.
 */
export class OwnedRedis {
  private readonly dir = mkdtempSync(join(tmpdir(), 'owned-redis-'));

  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    await run('redis-server', [
      '--daemonize',
      'yes',
      '--bind',
      '127.0.0.1',
      '--port',
      String(this.port),
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      this.dir,
      '--logfile',
      join(this.dir, 'redis.log'),
    ]);
    for (let i = 0; i < 100; i++) {
      if (await this.running()) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`The spec's own Redis did not start on port ${this.port} (log: ${join(this.dir, 'redis.log')})`);
  }

  async stop(): Promise<void> {
    if (!(await this.running())) return;
    await run('redis-cli', ['-p', String(this.port), 'shutdown', 'nosave']).catch(() => {});
    for (let i = 0; i < 100 && (await this.running()); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  }

  async running(): Promise<boolean> {
    return run('redis-cli', ['-p', String(this.port), 'ping']).then(
      ({ stdout }) => stdout.trim() === 'PONG',
      () => false,
    );
  }
}
