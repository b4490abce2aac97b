/**
 * Text handed to people: {@link dev.fabricscope.text.TerminalText} keeps names from hostile reports
 * from steering the terminal that shows them.
 */
package dev.fabricscope.text;
