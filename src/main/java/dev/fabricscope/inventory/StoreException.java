package dev.fabricscope.inventory;

/** A database failure in a store: unchecked, so the store interfaces stay free of JDBC types. */
public class StoreException extends RuntimeException {

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
