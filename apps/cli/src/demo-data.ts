/**
 * The demo's embedded dataset: several source recordings of event-locked multichannel waveforms
 * with per-event metadata, generated from a seed so every run builds the same bytes.
 */

import type { AxisAnnotatedTensor } from "tensortools";
import { columnFromCells, columnFromValues, createTensor, MetaTable } from "tensortools";

/** The size of the demo dataset. */
export interface DemoShape {
  recordings: number;
  eventsPerRecording: number;
  samples: number;
  channels: number;
}

/** The default demo: 6 recordings x 500 events, 600 samples x 4 channels (29 MB of float32). */
export const DEMO_SHAPE: DemoShape = {
  recordings: 6,
  eventsPerRecording: 500,
  samples: 600,
  channels: 4,
};

/** The event types, their share of events and the response each evokes. */
const EVENT_TYPES = [
  { name: "standard", share: 0.6, latency: 0.3, width: 0.06, gain: 1 },
  { name: "target", share: 0.25, latency: 0.45, width: 0.09, gain: 2.2 },
  { name: "novel", share: 0.15, latency: 0.25, width: 0.05, gain: -1.6 },
] as const;

const CHANNELS = ["c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8"];

/** A seeded generator of uniform numbers in [0, 1) (mulberry32). */
function uniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** The name of recording `index`: `rec01`, `rec02`, ... */
export function demoRecordingName(index: number): string {
  return `rec${String(index + 1).padStart(2, "0")}`;
}

/** One recording of the demo: a tensor event x sample x channel with its event table. */
export function demoRecording(index: number, shape: DemoShape = DEMO_SHAPE): AxisAnnotatedTensor {
  const { eventsPerRecording: n, samples, channels } = shape;
  const random = uniform(1000 + index);
  const gauss = () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
  const recording = demoRecordingName(index);
  // Each recording has its own gains per channel and noise level, as sessions do.
  const channelGain = Array.from(
    { length: channels },
    (_, c) => (1 - c / (channels + 1)) * (0.8 + 0.4 * random()),
  );
  const noise = 0.15 + 0.1 * random();
  const data = new Float32Array(n * samples * channels);
  const ids: string[] = [];
  const types: string[] = [];
  const qc: boolean[] = [];
  const score = new Float64Array(n);
  const onset = new Float64Array(n);
  for (let e = 0; e < n; e++) {
    const u = random();
    const type =
      u < EVENT_TYPES[0].share ? 0 : u < EVENT_TYPES[0].share + EVENT_TYPES[1].share ? 1 : 2;
    const kind = EVENT_TYPES[type]!;
    const amplitude = kind.gain * (1 + 0.25 * gauss());
    const jitter = 0.02 * gauss();
    const artifact = random() < 0.08;
    for (let t = 0; t < samples; t++) {
      const time = t / samples;
      const x = (time - kind.latency - jitter) / kind.width;
      const wave =
        amplitude * Math.exp(-0.5 * x * x) + 0.3 * Math.sin(2 * Math.PI * 3 * time + index);
      for (let c = 0; c < channels; c++) {
        const drift = artifact ? 6 * (time - 0.5) * (c + 1) : 0;
        data[(e * samples + t) * channels + c] = wave * channelGain[c]! + drift + noise * gauss();
      }
    }
    ids.push(`e${String(e + 1).padStart(4, "0")}`);
    types.push(kind.name);
    qc.push(!artifact);
    score[e] = Math.min(
      1,
      Math.max(0, 0.5 + 0.15 * amplitude * Math.sign(kind.gain) + 0.1 * gauss()),
    );
    onset[e] = Math.round((e * 2.5 + random()) * 1000) / 1000;
  }
  return createTensor({
    data,
    shape: [n, samples, channels],
    axes: ["instance", "sample", "channel"],
    axisMeta: {
      instance: MetaTable.fromColumns({
        instance_id: columnFromCells("string", ids),
        group: columnFromCells(
          "string",
          ids.map(() => (index % 2 === 0 ? "A" : "B")),
        ),
        event_type: columnFromCells("string", types),
        qc_pass: columnFromCells("boolean", qc),
        score: columnFromValues("float64", score),
        onset_s: columnFromValues("float64", onset),
      }),
      sample: MetaTable.fromColumns({
        sample_id: columnFromValues(
          "int32",
          Int32Array.from({ length: samples }, (_, t) => t),
        ),
        time_s: columnFromValues(
          "float64",
          Float64Array.from({ length: samples }, (_, t) => t / samples),
        ),
      }),
      channel: MetaTable.fromColumns({
        channel_id: columnFromCells("string", CHANNELS.slice(0, channels)),
      }),
    },
    attrs: { source: "tensortools demo", recording },
  });
}
