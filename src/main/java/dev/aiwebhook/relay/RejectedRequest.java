package dev.aiwebhook.relay;

/** A request the relay refuses before queueing anything: an HTTP status, an error code, a field. */
public class RejectedRequest extends RuntimeException {

    private final int status;
    private final String code;
    private final String field;

    public RejectedRequest(int status, String code, String field, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.field = field;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String field() {
        return field;
    }
}
