/**
 * The topology model shared by the agent and the server: plain records with units in their names,
 * serialized as report JSON schema version 1 ({@code docs/report-schema.md}).
 *
 * <p>A {@code null} value means "unknown": the reason is in {@link
 * dev.fabricscope.topology.Report#diagnostics()}.
 */
package dev.fabricscope.topology;
