/** The version of this plugin, recorded in the files it writes. */
export const VERSION = "0.1.0";
