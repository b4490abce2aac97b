/**
 * The one path model of a report (issue 13): {@link dev.fabricscope.path.PcieLink} for every
 * function's upstream link, {@link dev.fabricscope.path.Path} for every pair, built and cached by
 * {@link dev.fabricscope.path.Paths}. The p2p rules, the bandwidth expectations and the planner
 * read it, so a tree is walked one way only.
 */
package dev.fabricscope.path;
