// The worker-thread side of runFinetuneJobs: runs each job it is sent and posts back its result
// (or the error's stack). TSGRAD_NUM_THREADS=1 in its environment keeps its matmuls on one thread.

import { parentPort } from 'node:worker_threads';
import { runFinetuneJob, type FinetuneJob } from './finetune-jobs.js';

const port = parentPort;
if (!port) throw new Error('finetune-worker.js runs as a worker thread of runFinetuneJobs');
port.on('message', (job: FinetuneJob) => {
  runFinetuneJob(job).then(
    (result) => port.postMessage({ result }),
    (e: unknown) => port.postMessage({ error: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
  );
});
