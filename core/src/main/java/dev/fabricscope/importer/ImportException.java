package dev.fabricscope.importer;

/**
 * A file that cannot be imported: unknown format, broken content or too large. The message is one
 * line naming the file and what is wrong, meant for a person.
 */
public final class ImportException extends Exception {

  public ImportException(String message) {
    super(message);
  }

  public ImportException(String message, Throwable cause) {
    super(message, cause);
  }
}
