package dev.fabricscope.inventory;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Starts {@link StoredLineRedaction} once the server has started, on a background thread of low
 * priority, unless the database records it done: the server answers meanwhile, and the rows not yet
 * reached are served as they were stored until it gets to them (minutes for hundreds of thousands
 * of snapshots; {@code docs/benchmarks.md}).
 */
@ApplicationScoped
public class StoredLineRedactor {

  private static final Logger LOG = Logger.getLogger(StoredLineRedactor.class);

  @Inject Database database;

  void onStart(@Observes StartupEvent e) {
    Thread t =
        new Thread(
            () -> {
              try {
                StoredLineRedaction redaction = new StoredLineRedaction(database.dataSource());
                if (!redaction.done()) {
                  redaction.run();
                }
              } catch (Exception ex) {
                // the next start tries again: nothing is recorded done until every row was
                LOG.warnf("stored kernel command lines not redacted yet: %s", ex);
              }
            },
            "redact-stored-command-lines");
    t.setDaemon(true);
    t.setPriority(Thread.MIN_PRIORITY);
    t.start();
  }
}
