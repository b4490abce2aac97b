/**
 * The planner (issue 13): concurrent flows between GPUs, NICs, NVMe, host memory and the network,
 * routed over the path model ({@link dev.fabricscope.path.Paths}) as the kernel routes them, with
 * per-flow rates by max-min fairness and the GPU↔NIC↔NVMe pairing. Entry: {@link
 * dev.fabricscope.planner.Planner}; results are plain records ({@link
 * dev.fabricscope.planner.PlanResult}). Sources: {@code shared/docs/planner-facts.md}.
 */
package dev.fabricscope.planner;
