package dev.aiwebhook.relay;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.springframework.stereotype.Component;

/**
 * Sync callers waiting for their webhook's result. A waiter is registered before the webhook is
 * queued (so a fast result cannot be missed) and completed when a worker posts the result.
 */
@Component("resultWaiters")
public class ResultWaiters {

    /** An exchange property, never a header: callers cannot set it. */
    static final String RESULT_PROPERTY = "syncResult";

    private final Map<String, CompletableFuture<String>> waiting = new ConcurrentHashMap<>();

    /** Registers a waiter for {@code body[id]} when the caller asked to wait. */
    public void register(Exchange exchange) {
        Map<?, ?> params = exchange.getMessage().getBody(Map.class);
        if (waitMillis(params) > 0) {
            waiting.put((String) params.get("id"), new CompletableFuture<>());
        }
    }

    public void cancel(Exchange exchange) {
        Map<?, ?> params = exchange.getMessage().getBody(Map.class);
        waiting.remove((String) params.get("id"));
    }

    /** Waits up to {@code body[wait_ms]} for the result; on success it is put in the syncResult property. */
    public void await(Exchange exchange) throws InterruptedException {
        Map<?, ?> params = exchange.getMessage().getBody(Map.class);
        String id = (String) params.get("id");
        CompletableFuture<String> future = waiting.get(id);
        if (future == null) {
            return;
        }
        try {
            exchange.setProperty(RESULT_PROPERTY, future.get(waitMillis(params), TimeUnit.MILLISECONDS));
        } catch (TimeoutException | ExecutionException e) {
            // not done in time: the caller gets 202 and the status URL
        } finally {
            waiting.remove(id);
        }
    }

    /**
     * After a worker's result was recorded (header {@code recorded}: the row's new status and
     * result): hand it to the caller waiting for it, and answer the worker.
     */
    public String recorded(Exchange exchange) {
        Map<?, ?> params = exchange.getMessage().getBody(Map.class);
        Map<?, ?> row = exchange.getMessage().getHeader("recorded", Map.class);
        if (row == null) {
            return "{\"status\":\"ignored\"}";
        }
        CompletableFuture<String> future = waiting.get((String) params.get("id"));
        if (future != null && params.get("result") != null) {
            future.complete(String.valueOf(params.get("result")));   // as the worker sent it, key order kept
        }
        return "{\"status\":\"" + row.get("status") + "\"}";
    }

    /**
     * The in-process worker recorded a result at the relay inside its own transaction, now
     * committed: hand it to the caller waiting for it.
     */
    public void completed(@Header("webhookId") String id, @Header("resultJson") String result) {
        CompletableFuture<String> future = waiting.get(id);
        if (future != null && result != null) {
            future.complete(result);
        }
    }

    private static long waitMillis(Map<?, ?> params) {
        Object wait = params.get("wait_ms");
        return wait instanceof Number n ? n.longValue() : 0;
    }
}
