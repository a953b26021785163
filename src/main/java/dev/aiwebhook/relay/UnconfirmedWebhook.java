package dev.aiwebhook.relay;

/**
 * A sync session command whose transaction failed as it ended (its commit, say), so the relay
 * cannot tell whether the webhook was stored with its effect. The caller is told so, with the
 * webhook's status URL: 404 there means it was not stored and can be sent again.
 */
public class UnconfirmedWebhook extends RuntimeException {

    private final String id;

    public UnconfirmedWebhook(String id, Throwable cause) {
        super("webhook " + id + " may not have been stored", cause);
        this.id = id;
    }

    public String id() {
        return id;
    }
}
