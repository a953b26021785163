package dev.aiwebhook.relay;

/**
 * A webhook whose write failed as it ended (a sync session command's commit, or a queued group
 * whose connection was lost once its statement was sent), so the relay cannot tell whether it
 * was stored. The caller is told so, with the webhook's status URL: 404 there means it was not
 * stored and can be sent again.
 *
 * <p>What went wrong is its {@link #reason()}, not its cause: Camel picks an {@code onException}
 * by the innermost exception of the cause chain it has a clause for, and a database exception
 * in the chain (DataAccessResourceFailureException, say) would be answered "nothing was stored"
 * instead.
 */
public class UnconfirmedWebhook extends RuntimeException {

    private final String id;
    private final transient Throwable reason;

    public UnconfirmedWebhook(String id, Throwable reason) {
        super("webhook " + id + " may not have been stored");
        this.id = id;
        this.reason = reason;
        if (reason != null) {
            addSuppressed(reason);
        }
    }

    public String id() {
        return id;
    }

    /** What made the write fail (for the log), or null. */
    public Throwable reason() {
        return reason;
    }
}
