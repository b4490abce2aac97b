package dev.fabricscope.exporter;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A minimal indenting XML writer: elements with attributes (a null value leaves the attribute out),
 * text, and escaping that keeps every output well-formed whatever a report holds (host names and
 * pci.ids strings come from untrusted machines).
 */
final class XmlWriter {

  private final StringBuilder sb = new StringBuilder();
  private final Deque<String> open = new ArrayDeque<>();

  /** A document with the XML declaration, then the prolog lines (a DOCTYPE). */
  XmlWriter(String... prolog) {
    this(true, prolog);
  }

  private XmlWriter(boolean declaration, String... prolog) {
    if (declaration) {
      sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    }
    for (String p : prolog) {
      sb.append(p).append('\n');
    }
  }

  /**
   * A document without the XML declaration: NCCL's own parser (graph/xml.cc) refuses {@code <?}
   * ("XML Parse : expected >, got '?'", NCCL 2.28.9 on the H200 fixture), and its dumps have none.
   */
  static XmlWriter withoutDeclaration() {
    return new XmlWriter(false);
  }

  /** Opens an element; {@code attrs} are name/value pairs. */
  XmlWriter start(String tag, String... attrs) {
    tag(tag, attrs);
    sb.append(">\n");
    open.push(tag);
    return this;
  }

  /** An element without children. */
  XmlWriter empty(String tag, String... attrs) {
    tag(tag, attrs);
    sb.append("/>\n");
    return this;
  }

  /** An element holding only text. */
  XmlWriter text(String tag, String text, String... attrs) {
    tag(tag, attrs);
    sb.append('>').append(escape(text, false)).append("</").append(tag).append(">\n");
    return this;
  }

  /** Closes the innermost open element. */
  XmlWriter end() {
    String tag = open.pop();
    indent();
    sb.append("</").append(tag).append(">\n");
    return this;
  }

  /** The document; every element must be closed. */
  String done() {
    if (!open.isEmpty()) {
      throw new IllegalStateException("unclosed element <" + open.peek() + ">");
    }
    return sb.toString();
  }

  private void tag(String tag, String... attrs) {
    if (attrs.length % 2 != 0) {
      throw new IllegalArgumentException("attributes come in name/value pairs");
    }
    indent();
    sb.append('<').append(tag);
    for (int i = 0; i < attrs.length; i += 2) {
      if (attrs[i + 1] != null) {
        sb.append(' ').append(attrs[i]).append("=\"").append(escape(attrs[i + 1], true));
        sb.append('"');
      }
    }
  }

  private void indent() {
    sb.append("  ".repeat(open.size()));
  }

  /**
   * Escapes markup characters; in attributes also white space a parser would normalise away.
   * Characters XML 1.0 cannot carry at all (other C0 controls, lone surrogates) become U+FFFD.
   */
  static String escape(String s, boolean attribute) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append(attribute ? "&quot;" : "\"");
        case '\'' -> out.append(attribute ? "&apos;" : "'");
        case '\t', '\n', '\r' -> {
          if (attribute) {
            out.append("&#").append((int) c).append(';');
          } else {
            out.append(c);
          }
        }
        default -> {
          if (c < 0x20 || c == 0xfffe || c == 0xffff) {
            out.append('\ufffd');
          } else if (Character.isHighSurrogate(c)
              && i + 1 < s.length()
              && Character.isLowSurrogate(s.charAt(i + 1))) {
            out.append(c).append(s.charAt(++i));
          } else if (Character.isSurrogate(c)) {
            out.append('\ufffd');
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
