import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StateDirectory } from '../../lib/runtime/state-directory.ts';
import { recordingLogger } from '../support/kafka-helpers.ts';
import { tempDirPerSuite } from '../support/temp-dirs.ts';

describe('StateDirectory', () => {
  const temp = tempDirPerSuite('state-directory');
  let root = '';
  let run = 0;
  beforeEach(() => {
    root = temp.path(`run-${++run}`);
  });
  const directory = (owner = 'instance-a', thread = 'main') => new StateDirectory(root, 'app', owner, recordingLogger('state').logger, thread);

  it('creates <stateDir>/<applicationId>/<taskId> and writes who holds it, as Kafka Streams lays out state.dir', async () => {
    const lock = await directory().lockTask('0_1');
    expect(lock.path).to.equal(join(root, 'app', '0_1'));
    expect(readFileSync(join(lock.path, '.lock'), 'utf8')).to.equal(`${process.pid} instance-a main\n`);
    lock.release();
    expect(existsSync(join(lock.path, '.lock'))).to.equal(false);
  });

  it('makes a second lock of the same task in the instance wait until the first is released (a task closing while its successor opens)', async () => {
    const dir = directory();
    const first = await dir.lockTask('0_0');
    let secondHeld = false;
    const second = dir.lockTask('0_0').then((lock) => {
      secondHeld = true;
      return lock;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(secondHeld).to.equal(false);
    first.release();
    (await second).release();
    expect(secondHeld).to.equal(true);
  });

  it('refuses a task folder another instance of this process holds, naming the folder', async () => {
    const held = await directory('instance-a').lockTask('0_0');
    try {
      await directory('instance-b')
        .lockTask('0_0')
        .then(
          () => expect.fail('locked twice'),
          (error: Error) => {
            expect(error.name).to.equal('ProcessorStateException');
            expect(error.message).to.contain(join(root, 'app', '0_0'));
            expect(error.message).to.contain('another KafkaStreams instance of this process (instance-a)');
          },
        );
    } finally {
      held.release();
    }
  });

  it('refuses a task folder a live process holds, and takes over one whose process is gone (SIGKILL)', async () => {
    const folder = join(root, 'app', '0_0');
    mkdirSync(folder, { recursive: true });
    const other = spawn('sleep', ['30']);
    try {
      writeFileSync(join(folder, '.lock'), `${other.pid} instance-z main\n`);
      const error = await directory()
        .lockTask('0_0')
        .then(
          () => undefined,
          (e: Error) => e,
        );
      expect(error?.message).to.contain(`${folder} is in use by process ${other.pid} (instance instance-z)`);
    } finally {
      other.kill('SIGKILL');
      await new Promise((resolve) => other.once('exit', resolve));
    }
    const lock = await directory().lockTask('0_0');
    expect(readFileSync(join(folder, '.lock'), 'utf8')).to.equal(`${process.pid} instance-a main\n`);
    lock.release();
  });

  it('waits for a worker thread of the same instance to let the folder go (a task moving between worker threads)', async () => {
    const worker1 = await directory('instance-a', '1').lockTask('0_0');
    let held = false;
    const worker2 = directory('instance-a', '2')
      .lockTask('0_0')
      .then((lock) => {
        held = true;
        return lock;
      });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(held).to.equal(false);
    worker1.release();
    (await worker2).release();
  });

  it('cleanUp() removes the application folder, and refuses, naming the folder, while a task holds one', async () => {
    const dir = directory();
    const lock = await dir.lockTask('0_0');
    expect(() => dir.cleanUp()).to.throw(/Cannot clean up .*0_0 is in use by this instance/);
    expect(existsSync(lock.path)).to.equal(true);
    lock.release();
    dir.cleanUp();
    expect(existsSync(join(root, 'app'))).to.equal(false);
  });

  it('deletes only folders of tasks no one holds and untouched for stateCleanupDelayMs', async () => {
    const dir = directory();
    for (const task of ['0_0', '0_1', '0_2']) (await dir.lockTask(task)).release();
    const held = await dir.lockTask('0_2');
    const old = (Date.now() - 60_000) / 1000;
    for (const task of ['0_0', '0_2']) utimesSync(join(root, 'app', task), old, old);
    expect(dir.cleanRemovedTasks(30_000)).to.deep.equal(['0_0']);
    expect(existsSync(join(root, 'app', '0_1'))).to.equal(true);
    expect(existsSync(join(root, 'app', '0_2'))).to.equal(true);
    held.release();
  });

  it('names the folder it cannot create', async () => {
    writeFileSync(join(temp.path(''), 'a-file'), '');
    const dir = new StateDirectory(join(temp.path(''), 'a-file'), 'app', 'x', recordingLogger('state').logger);
    const error = await dir.lockTask('0_0').then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).to.match(/Cannot create the task state directory .*a-file.app.0_0/);
  });
});
