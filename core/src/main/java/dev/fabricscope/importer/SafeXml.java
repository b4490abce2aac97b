package dev.fabricscope.importer;

import dev.fabricscope.limits.ParseDeadline;
import java.io.ByteArrayInputStream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * DOM parsing for untrusted files. hwloc files start with {@code <!DOCTYPE topology SYSTEM
 * "hwloc2.dtd">}: the declaration is allowed (refusing it would refuse every hwloc export) but the
 * DTD is never loaded, external entities are never resolved and secure processing caps entity
 * expansion, so a file cannot make the importer read other files or the network.
 */
final class SafeXml {

  /**
   * Largest XML file: 16 MiB, about 50 times the largest real file of the fixtures (340 KB, a
   * 192-core machine). The whole document is held as a DOM, several times its size in memory.
   */
  static final int MAX_BYTES = 16 << 20;

  /** Most tags ({@code <}) in a file: the fixtures have at most 2,362. */
  static final int MAX_TAGS = 400_000;

  /**
   * Deepest element nesting: the fixtures nest at most 12 deep. The importers walk the tree
   * recursively, so the parser refuses deeper files before they do ({@code
   * jdk.xml.maxElementDepth}).
   */
  static final int MAX_DEPTH = 256;

  private static final String MAX_DEPTH_PROPERTY =
      "http://www.oracle.com/xml/jaxp/properties/maxElementDepth";

  private SafeXml() {}

  static Document parse(byte[] content, String file) throws ImportException {
    if (content.length > MAX_BYTES) {
      throw new ImportException(
          file
              + ": "
              + content.length
              + " bytes is more than the "
              + MAX_BYTES
              + "-byte XML limit");
    }
    int tags = 0;
    for (byte b : content) {
      if (b == '<' && ++tags > MAX_TAGS) {
        throw new ImportException(file + ": more than " + MAX_TAGS + " XML tags");
      }
    }
    try {
      // the JDK's own parser, whose feature names the lines below set: newInstance() would first
      // scan the class path for another provider (jaxp.properties, META-INF/services), about
      // 90 ms of every CLI start in the 8 MB agent jar, and a provider found there would not
      // have been hardened by these settings
      DocumentBuilderFactory f = DocumentBuilderFactory.newDefaultInstance();
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
      f.setFeature("http://xml.org/sax/features/external-general-entities", false);
      f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
      f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
      f.setAttribute(MAX_DEPTH_PROPERTY, Integer.toString(MAX_DEPTH));
      f.setXIncludeAware(false);
      f.setExpandEntityReferences(false);
      f.setNamespaceAware(false);
      DocumentBuilder b = f.newDocumentBuilder();
      // the default handler prints "[Fatal Error]" to stderr before throwing
      b.setErrorHandler(new DefaultHandler());
      b.setEntityResolver(
          (publicId, systemId) -> new InputSource(new ByteArrayInputStream(new byte[0])));
      return b.parse(ParseDeadline.guard(new ByteArrayInputStream(content)));
    } catch (SAXParseException e) {
      ParseDeadline.rethrowIfPassed(e);
      throw new ImportException(
          file + ": malformed XML at line " + e.getLineNumber() + ": " + e.getMessage(), e);
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("the JDK XML parser lacks a safety feature", e);
    } catch (Exception e) {
      ParseDeadline.rethrowIfPassed(e);
      throw new ImportException(file + ": unreadable XML: " + e.getMessage(), e);
    }
  }

  /** Direct children of an element with a given tag name, in document order. */
  static java.util.List<Element> children(Element e, String tag) {
    java.util.List<Element> out = new java.util.ArrayList<>();
    for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element c && (tag == null || c.getTagName().equals(tag))) {
        out.add(c);
      }
    }
    return out;
  }

  /** An attribute, null when absent or empty (DOM returns "" for both). */
  static String attr(Element e, String name) {
    String v = e.getAttribute(name);
    return v == null || v.isBlank() ? null : v.trim();
  }
}
