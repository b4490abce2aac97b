/**
 * Writes a report in foreign formats so other tools see the host's real fabric: NCCL's topology XML
 * ({@code NCCL_TOPO_FILE}, p2p-rules.md §4.3, §4.8) and hwloc 2.x XML ({@code lstopo --input}).
 * Every exporter's output is read back by the project's own importers in the tests.
 */
package dev.fabricscope.exporter;
