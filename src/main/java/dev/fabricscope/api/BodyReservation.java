package dev.fabricscope.api;

/**
 * One request body's hold on {@link BodyBudget}, within its sender's share: what {@link
 * RequestBodyGate} reserved before the body was read (its declared length, or its endpoint's limit
 * when it declares none), grown while {@link ContentDecoding} undoes a {@code Content-Encoding},
 * and given back once when the exchange ends. A coded body's declared length says nothing of what
 * it decodes to: the ninth review sent 272 bytes of double gzip that decoded to 64 MiB on the heap,
 * counted as 272, and 24 of them at once ran a viewer's server out of memory. Decoded bytes now
 * count as they appear.
 */
final class BodyReservation {

  /** Routing-context key of the reservation of the request's body. */
  static final String KEY = "fabricscope.body-reservation";

  private final BodyBudget budget;
  private final String sender;
  private final long share;
  private long held;
  private boolean released;

  BodyReservation(BodyBudget budget, String sender, long share) {
    this.budget = budget;
    this.sender = sender;
    this.share = share;
  }

  /**
   * Holds at least {@code bytes} in all: reserves what is missing, within the sender's share and
   * the budget ({@link BodyBudget#take(String, long, long)}); nothing more is reserved on a refusal
   * or after the release.
   */
  synchronized BodyBudget.Taken growTo(long bytes) {
    if (released) {
      return BodyBudget.Taken.FULL;
    }
    if (bytes <= held) {
      return BodyBudget.Taken.TAKEN;
    }
    BodyBudget.Taken t = budget.take(sender, bytes - held, share);
    if (t == BodyBudget.Taken.TAKEN) {
      held = bytes;
    }
    return t;
  }

  /** Who sends the body (a token, a signed-on person, an address). */
  String sender() {
    return sender;
  }

  /** Bytes held now. */
  synchronized long held() {
    return held;
  }

  /** The status of a refused reservation: 429 when the sender's share is full, else 503. */
  static int status(BodyBudget.Taken refused) {
    return refused == BodyBudget.Taken.SENDER_FULL ? 429 : 503;
  }

  /** Why a reservation was refused, in the words of its problem. */
  String refusal(BodyBudget.Taken refused) {
    return refused == BodyBudget.Taken.SENDER_FULL
        ? "this sender is already sending "
            + budget.heldBy(sender)
            + " bytes of request bodies, its share of "
            + share
            + "; retry when they are read"
        : "the server is reading as many request bodies as it can hold ("
            + budget.capacity()
            + " bytes); retry";
  }

  /** Gives back all it holds; later calls do nothing. */
  synchronized void release() {
    if (!released) {
      released = true;
      budget.give(sender, held);
      held = 0;
    }
  }
}
