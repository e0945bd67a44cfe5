/** ICA's view of the data: every (instance, sample...) position an observation, the channels its features. */

import { type Plan, type PreprocessConfig, planUnfolding, resolveAxis } from "@tt/decompose-core";
import { ConfigError, type ReadableView } from "@tt/schema";
import type { IcaConfig } from "./config.js";

/** The unfolding of an ICA fit: the core plan with the channel axis last, and the row geometry. */
export interface IcaPlan {
  /** The core plan: instances × (sample axes..., channel), channel fastest. */
  plan: Plan;
  /** The preprocessing the source applies: centering of each channel over every other axis. */
  preprocess: PreprocessConfig;
  /** The channel axis. */
  channelAxis: string;
  /** The axes between the instances and the channels (the samples), in the view's order. */
  sampleAxes: string[];
  /** Observations per instance: the product of the sample axes' lengths. */
  perInstance: number;
  /** Channels. */
  channels: number;
}

/**
 * Resolves the channel axis (the view's last unless `channel_axis` names one) and plans the
 * unfolding with it last, so that every block of instances read is, in the same memory order, a
 * block of (instance, sample) rows × channels. A view of 2 axes has one observation per instance.
 */
export function planIca(view: ReadableView, config: IcaConfig): IcaPlan {
  const requested = config.channel_axis ?? view.axes[view.axes.length - 1]!;
  const channelAxis = resolveAxis(view, requested, "channel_axis");
  if (channelAxis === view.axes[0])
    throw new ConfigError(
      "channel_axis",
      `'${channelAxis}' is the instance axis; ICA unmixes the channels of each (instance, sample) observation, so name another axis (${view.axes.slice(1).join(", ")})`,
    );
  const sampleAxes = view.axes.slice(1).filter((axis) => axis !== channelAxis);
  const preprocess: PreprocessConfig = {
    center: { over: [view.axes[0]!, ...sampleAxes] },
    scale: "none",
    missing: config.missing,
    weights: {},
    sample_mask: null,
  };
  const plan = planUnfolding(view, preprocess, () => [...sampleAxes, channelAxis]);
  const channels = plan.columnShape[plan.columnShape.length - 1]!;
  const perInstance = plan.p / channels;
  if (channels < 2)
    throw new ConfigError(
      "channel_axis",
      `axis '${channelAxis}' has ${channels} element; ICA needs at least 2 channels`,
    );
  const rank = config.rank ?? channels;
  if (rank > channels)
    throw new ConfigError("rank", `must be at most the ${channels} channels, got ${rank}`);
  return { plan, preprocess, channelAxis, sampleAxes, perInstance, channels };
}
