/**
 * Bounds on the work one input may cost: {@link dev.fabricscope.limits.ParseDeadline} stops the
 * reading of an import once it has taken longer than the server allows.
 */
package dev.fabricscope.limits;
