package dev.fabricscope.topology;

/**
 * Something the discovery or an importer could not read or had to assume.
 *
 * @param path the sysfs/procfs path (relative to the fsroot, starting with {@code /}) or the
 *     element of an imported file
 * @param reason what went wrong, in words a person understands
 */
public record Diagnostic(String path, String reason) {}
