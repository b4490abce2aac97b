/**
 * Discovery of a host's fabric from a sysfs/procfs tree: one {@link
 * dev.fabricscope.sysfs.SysfsRoot} through which every read goes, one source class per sysfs area,
 * and a pure tree builder. Plain Java: the agent runs it on a live host, the server on gathered
 * archives.
 */
package dev.fabricscope.sysfs;
