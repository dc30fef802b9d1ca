import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const script = fileURLToPath(new URL('../../scripts/kafka.sh', import.meta.url));

/**
 * A broker of a spec's own (scripts/kafka.sh with KAFKA_INSTANCE), for specs that stop and start
 * it: the broker the other specs share is never touched. `release()` leaves it as it was found.
 */
export class OwnedBroker {
  private readonly env: NodeJS.ProcessEnv;
  private wasRunning = false;

  constructor(
    readonly instance: string,
    readonly port: number,
  ) {
    this.env = { ...process.env, KAFKA_INSTANCE: instance, KAFKA_PORT: String(port), KAFKA_CONTROLLER_PORT: String(port + 1) };
  }

  get brokers(): string[] {
    return [`127.0.0.1:${this.port}`];
  }

  /** Starts it if it is not running, remembering whether it was. */
  async acquire(): Promise<void> {
    this.wasRunning = await this.running();
    await this.start();
  }

  /** Running again if it was when acquired, stopped otherwise. */
  async release(): Promise<void> {
    if (this.wasRunning) await this.start();
    else await this.stop();
  }

  async start(): Promise<void> {
    try {
      await run('bash', [script, 'start'], { env: this.env, timeout: 240_000, maxBuffer: 16 * 1024 * 1024 });
    } catch (error) {
      const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
      throw new Error(`Could not start the spec's own broker ${this.instance} on port ${this.port}:\n${stderr || stdout}`);
    }
  }

  async stop(): Promise<void> {
    await run('bash', [script, 'stop'], { env: this.env, timeout: 120_000 });
  }

  async running(): Promise<boolean> {
    return run('bash', [script, 'status'], { env: this.env }).then(
      () => true,
      () => false,
    );
  }
}
