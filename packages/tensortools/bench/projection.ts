/**
 * The projection of split fits to a cohort too large for one machine: 10,000 nights x 2,000
 * events of 1793 x 3 float32 samples (430 GB), on 10, 100 and 1,000 workers. On paper: rounds
 * from the solvers, bytes per round from the sizes of the tasks and answers (JSON, float64 as
 * base64), and a time bound by reading the data once per round at the slower of the measured
 * per-worker pass rate and an assumed object-storage read rate per worker.
 */

import { printTable } from "../../../tooling/bench/reference.js";

/** The cohort. */
const COHORT = { instances: 10_000 * 2_000, features: 1793 * 3, bytesPerValue: 4 };

/** Krylov PCA of rank k: the scan, q + 1 blocks of k + oversamples columns, the scores. */
const PCA = { rank: 10, oversamples: 10, powerIterations: 5 };

/** CP rank 3 with this many sweeps (each one round), besides the scan, first and last reads. */
const CP = { rank: 3, sweeps: 50 };

/** Bytes of n float64 values as base64 in JSON. */
const base64 = (n: number) => Math.ceil((n * 8) / 3) * 4;

/** What the projection takes from the bench. */
export interface Measured {
  /** Bytes a worker passes over per second (its share of the data over a round's time). */
  measuredWorkerBytesPerSecond: number;
  /** Bytes a headline round moved, for the record. */
  movedPerRound: number;
}

/** Prints the projection table. */
export function project(measured: Measured): void {
  const { instances, features, bytesPerValue } = COHORT;
  const data = instances * features * bytesPerValue;
  const s3 = Number(process.env.TT_PROJECT_S3_MBPS ?? 200) * 1e6;
  const coordinatorLink = 1.25e9; // 10 Gbit/s
  const l = PCA.rank + PCA.oversamples;
  // The scan, q + 1 Krylov blocks, CᵀC of the projection, the Q moments, the write.
  const pcaRounds = 1 + PCA.powerIterations + 1 + 1 + 1 + 1;
  // The scan, the first read, the sweeps, the last read's sums, the write.
  const cpRounds = 1 + 1 + CP.sweeps + 1 + 1;
  // A sum round: each task carries Y (p x l) and the statistics (2 p); each answer p x l.
  const sumRound = (workers: number) => workers * (base64(features * l) * 2 + base64(2 * features));
  // The instance table the workers write (float64 scores, recon_error, t2, q, outlier_score, id).
  const instanceTable = instances * (PCA.rank + 5) * 8;
  const rate = Math.min(measured.measuredWorkerBytesPerSecond, s3);
  const rows = [10, 100, 1000].map((workers) => {
    const share = data / workers;
    const readSeconds = share / rate;
    const gather = sumRound(workers) / coordinatorLink;
    const round = readSeconds + gather;
    const pcaSeconds = pcaRounds * round;
    const cpSeconds = cpRounds * round;
    return [
      String(workers),
      `${(share / 1e9).toFixed(1)} GB`,
      `${(sumRound(workers) / 2 ** 20).toFixed(0)} MiB (${((100 * sumRound(workers)) / data).toFixed(3)}%)`,
      `${readSeconds.toFixed(0)} s`,
      `${pcaRounds}: ${(pcaSeconds / 60).toFixed(1)} min`,
      `${cpRounds}: ${(cpSeconds / 60).toFixed(1)} min`,
    ];
  });
  console.log(
    `\nProjection: a cohort of ${instances.toLocaleString("en")} instances x ${features} float32 (${(data / 1e9).toFixed(0)} GB). ` +
      `A worker passes over ${(measured.measuredWorkerBytesPerSecond / 1e6).toFixed(0)} MB/s here (measured: its share over a round's time); ` +
      `object storage is taken as ${(s3 / 1e6).toFixed(0)} MB/s per worker (TT_PROJECT_S3_MBPS), the coordinator's link as 10 Gbit/s; ` +
      `a round reads the data once at the slower rate and the coordinator receives every answer.`,
  );
  printTable(
    [
      "workers",
      "data per worker",
      "bytes per sum round",
      "read per round",
      `PCA rank ${PCA.rank} (rounds: time)`,
      `CP rank ${CP.rank}, ${CP.sweeps} sweeps (rounds: time)`,
    ],
    rows,
  );
  console.log(
    `No round brings rows back: the workers write the instance table (${(instanceTable / 1e9).toFixed(1)} GB for PCA) in one part each, ` +
      `${(instanceTable / 1000 / 1e6).toFixed(1)} MB per worker at 1,000 workers; the coordinator holds p x l matrices only. ` +
      `A headline round moved ${(measured.movedPerRound / 2 ** 20).toFixed(1)} MiB here. ` +
      `At 1,000 workers the coordinator receives ${(sumRound(1000) / 1e9).toFixed(1)} GB per sum round: a tree of partial sums would bound it.`,
  );
}
