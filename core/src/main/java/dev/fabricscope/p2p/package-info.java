/**
 * Peer-to-peer verdicts for device pairs: the Linux kernel's P2PDMA decision ({@link
 * dev.fabricscope.p2p.KernelP2pRules}, p2p-rules.md §2), nvidia-smi's topology label ({@link
 * dev.fabricscope.p2p.NvidiaSmiRules}, §4.1), NCCL's path class and default decisions ({@link
 * dev.fabricscope.p2p.NcclRules}, §4.2–4.7) and PCIe link arithmetic ({@link
 * dev.fabricscope.p2p.LinkMath}, §5), side by side and never merged (§8). Every rule set is a
 * {@link dev.fabricscope.p2p.PairRule} over the pair's {@link dev.fabricscope.path.Path} and
 * returns a typed value ({@link dev.fabricscope.p2p.MapType}, {@link dev.fabricscope.p2p.SmiLabel},
 * {@link dev.fabricscope.p2p.NcclPath}) with its reasons; JSON carries the tools' own strings.
 */
package dev.fabricscope.p2p;
