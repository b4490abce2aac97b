package dev.fabricscope.inventory;

/**
 * A new snapshot refused because the volume of the database file has less free space than {@code
 * fabricscope.history.min-free-disk}, or a new host because the inventory holds {@code
 * fabricscope.history.max-hosts}: answered 507 (dev.fabricscope.api.StoreFullMapper).
 */
public class StoreFullException extends RuntimeException {

  public StoreFullException(String message) {
    super(message);
  }
}
