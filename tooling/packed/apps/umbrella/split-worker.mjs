// A worker of split fits on the installed `tensortools` and `@tt/engine-bullmq`, as a user runs
// one on each machine: it takes the partition tasks from Redis and answers them with the
// umbrella's partition handler. Prints `ready` once connected and `task <label>` after each task
// it answered; SIGTERM stops it once the task under way is done.
//
// node split-worker.mjs <redis url>

import { startBullmqWorker } from "@tt/engine-bullmq";
import { partitionHandler } from "tensortools";

const [connection] = process.argv.slice(2);
const handler = partitionHandler();
const worker = await startBullmqWorker({
  connection,
  handler: async (task, onProgress) => {
    const answer = await handler.handle(task, onProgress);
    console.log(`task ${task.label}`);
    return answer;
  },
});
console.log("ready");
process.once("SIGTERM", async () => {
  await worker.close();
  await handler.close();
  process.exit(0);
});
