package dev.aiwebhook.worker;

import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aiwebhook.config.AppProperties;
import dev.aiwebhook.relay.ClaimSignal;
import dev.aiwebhook.relay.UnconfirmedWebhook;
import dev.aiwebhook.tasks.LocalTaskRunner;
import dev.aiwebhook.tasks.TaskPermit;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Lazy;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.stereotype.Component;

/**
 * The all-in-one shortcut from the relay's intake to the worker in the same process. When the
 * worker is running and has a free slot, the intake stores the webhook already leased to it
 * ({@code sql/relay/enqueue_claimed.sql}) and hands the claimed item straight to a worker
 * thread: no claim query, no wake-up of the poller. Otherwise the webhook is queued and the
 * poller is woken, as for a worker in another process; so is one nobody waits for while the
 * intake takes the cores ({@link IntakePressure}). A session command whose caller waits
 * (and that carries no Idempotency-Key) goes one step further: it is stored by the transaction
 * that applies it ({@link #runInline}); so is a git task whose caller waits at least as long
 * as the task may run, when a place to run it is free at once. Either way the webhook is stored
 * before the caller hears of it, and the worker applies it through the same routes.
 */
@Component("handOff")
public class HandOff {

    private static final Logger log = LoggerFactory.getLogger(HandOff.class);

    /** Exchange properties (never headers: a caller cannot set them). */
    public static final String RESERVED = "handOffReserved";
    /** Reserved, and to be stored with its effect in one transaction ({@link #runInline}). */
    public static final String INLINE = "handOffInline";
    /** On the worker's exchange of an inline webhook: the parameters of its relay row, not yet stored. */
    public static final String RELAY_ROW = "relayRow";
    /** Set by the worker's routes once an inline webhook's relay row is committed. */
    public static final String INLINE_STORED = "inlineStored";
    /** Set by the worker's routes when an inline webhook's transaction rolled back. */
    public static final String INLINE_ROLLED_BACK = "inlineRolledBack";
    static final String DELIVERED = "handOffDelivered";

    private final ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private final boolean inProcess;
    private final AppProperties props;
    private final WorkerState worker;
    private final WorkerSlots slots;
    private final ClaimSignal signal;
    private final ProducerTemplate producer;
    private final LocalTaskRunner tasks;
    private final IntakePressure pressure;

    public HandOff(@Value("${app.worker.in-process:false}") boolean inProcess, AppProperties props,
                   WorkerState worker, WorkerSlots slots, ClaimSignal signal, @Lazy ProducerTemplate producer,
                   LocalTaskRunner tasks, IntakePressure pressure) {
        this.inProcess = inProcess;
        this.props = props;
        this.worker = worker;
        this.slots = slots;
        this.signal = signal;
        this.producer = producer;
        this.tasks = tasks;
        this.pressure = pressure;
    }

    /**
     * Before the webhook is stored (body: the parameters of the enqueue): takes a worker slot
     * when one is free and adds the lease's parameters. A session command whose caller waits
     * for it waits for a slot too, as long as the caller would wait for its result; when none
     * frees in that time it is queued, and the caller, its wait used up, gets 202 at once. A
     * webhook nobody waits for is queued while the intake presses ({@link IntakePressure}).
     */
    public void reserve(Exchange exchange) throws Exception {
        if (!inProcess || !worker.isPolling()) {
            return;
        }
        pressure.accepted();
        @SuppressWarnings("unchecked")
        Map<String, Object> params = exchange.getMessage().getBody(Map.class);
        if (!callerWaits(params) && pressure.yields()) {
            return;   // queued: the cores answer callers first (IntakePressure)
        }
        boolean slot;
        if (runsOnCallersThread(params)) {
            slot = slots.tryTake(((Number) params.get("wait_ms")).longValue());
            if (!slot) {
                params.put("wait_ms", 0L);
            }
        } else {
            slot = slots.tryTake();
        }
        if (slot) {
            params.put("worker_id", props.worker().id());
            params.put("lease_seconds", props.relay().lease().toSeconds());
            exchange.setProperty(RESERVED, true);
            if (params.get("idempotency_key") != null) {
                return;   // the intake's insert is what finds a key seen before
            }
            if (runsOnCallersThread(params)) {
                exchange.setProperty(INLINE, true);
            } else if (callerWaits(params) && "task_command".equals(params.get("type"))) {
                // a git task whose time limit fits within the wait, with a place to run it free
                // now (never waited for); otherwise it goes to a worker thread as before
                TaskPermit permit = tasks.reserve(json.readTree((String) params.get("payload")),
                        ((Number) params.get("wait_ms")).longValue());
                if (permit != null) {
                    exchange.setProperty(TaskPermit.PROPERTY, permit);
                    exchange.setProperty(INLINE, true);
                }
            }
        }
    }

    /** A sync caller: one that waits for the result. */
    private static boolean callerWaits(Map<?, ?> params) {
        return params.get("wait_ms") instanceof Number n && n.longValue() > 0;
    }

    /**
     * A session command whose caller waits for its result (a git task runs on that thread only
     * when {@link LocalTaskRunner#reserve} gives it a place at once).
     */
    private static boolean runsOnCallersThread(Map<?, ?> params) {
        return callerWaits(params) && "collaborative_session_command".equals(params.get("type"));
    }

    /**
     * After the webhook was stored (header {@code webhook}: the new row): a reserved one is
     * processed with its slot, and a queued one wakes the poller. A session command whose
     * caller waits for it runs right here, on the caller's thread (one thread hand-off less
     * each way); anything else goes to a worker thread, so the caller is answered at once, or
     * a slow task cannot keep a sync caller past its wait.
     */
    public void deliver(Exchange exchange) throws Exception {
        if (!Boolean.TRUE.equals(exchange.getProperty(RESERVED))) {
            signal.wake();
            return;
        }
        Map<?, ?> row = exchange.getMessage().getHeader("webhook", Map.class);
        JsonNode item = json.readTree(String.valueOf(row.get("claimed")));
        if (!runsOnCallersThread(exchange.getMessage().getBody(Map.class))) {
            producer.sendBody("seda:webhooks", item);
            exchange.setProperty(DELIVERED, true);
            return;
        }
        exchange.setProperty(DELIVERED, true);   // run-webhook gives the slot back, whatever happens
        try {
            producer.sendBody("direct:run-webhook", item);
        } catch (RuntimeException e) {
            // the worker's routes report their own failures; should one escape, the webhook
            // stays leased and is redelivered, and the caller gets 202 when its wait is over
            log.warn("Webhook {} failed on its caller's thread; it will be redelivered: {}",
                    item.path("id").asText(), e.getMessage());
        }
    }

    /**
     * A reserved session command whose caller waits, sent without an Idempotency-Key (or a
     * git task given a place to run at once, whose time limit fits within that wait): applied
     * right here on the caller's thread, and its relay row inserted, finished, by the last
     * statement of the transaction that applies it (sql/worker/store_applied_webhook.sql; in a
     * group of commands applied together, one statement for the group's rows,
     * sql/worker/store_applied_webhooks.sql), so the
     * webhook, its effect and its result commit together: one commit instead of two. A webhook is still
     * stored before its caller hears of it: when that transaction rolls back (a command error,
     * the database away) the worker's routes store the row on its own before they record the
     * outcome, as the intake would have. When even that fails nothing was stored, and the
     * caller gets the reply of an intake whose insert failed (503 for a database away). When the
     * transaction fails as it ends (its commit), it may have committed: the caller gets 503 with
     * the webhook's status URL (UnconfirmedWebhook). A key that could have been
     * seen before takes the two-step way, whose insert looks it up.
     */
    public void runInline(Exchange exchange) throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, Object> params = exchange.getMessage().getBody(Map.class);
        String id = (String) params.get("id");
        ObjectNode item = json.createObjectNode();
        item.put("id", id);
        item.set("payload", json.readTree((String) params.get("payload")));
        item.put("attempts", 1);
        item.put("client_id", (String) params.get("client_id"));
        exchange.setProperty(DELIVERED, true);   // run-webhook gives the slot back, whatever happens
        Exchange done = producer.send("direct:run-webhook", e -> {
            e.getMessage().setBody(item);
            e.setProperty(RELAY_ROW, params);
            e.setProperty(TaskPermit.PROPERTY, exchange.getProperty(TaskPermit.PROPERTY));
        });
        if (!done.getProperty(INLINE_STORED, false, Boolean.class)) {
            Throwable cause = done.getException() != null ? done.getException()
                    : done.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
            if (!done.getProperty(INLINE_ROLLED_BACK, false, Boolean.class)) {
                // the transaction failed as it ended (its commit): it may have committed
                throw new UnconfirmedWebhook(id, cause);
            }
            // rolled back, and storing it on its own failed too: nothing was stored, and the
            // caller gets the reply the intake gives when its own insert fails (http-errors)
            if (cause instanceof Exception e) {
                throw e;
            }
            throw new DataAccessResourceFailureException("webhook " + id + " could not be stored", cause);
        }
        Map<String, Object> row = new HashMap<>();
        row.put("id", id);
        row.put("status", "processing");
        row.put("created", true);
        exchange.getMessage().setHeader("webhook", row);
    }

    /**
     * The in-process poller, before it takes slots: after a claim that emptied the queue, wait
     * until the relay queues a webhook it could not hand over (or a second, for retries that
     * fall due); then, while the intake presses, up to WORKER_YIELD_MAX more
     * ({@link IntakePressure#awaitEased}). A worker in another process waits at the relay
     * instead (its long-poll).
     */
    public void awaitQueued(Exchange exchange) throws InterruptedException {
        if (inProcess) {
            signal.awaitAfterDrained(exchange);
            pressure.awaitEased(worker::isPolling);
        } else {
            exchange.removeProperty(ClaimSignal.DRAINED);
        }
    }

    /** How long the poller's claim waits at the relay: not at all in process (see {@link #awaitQueued}). */
    public long claimWaitMillis() {
        return inProcess ? 0 : props.worker().claimWait().toMillis();
    }

    /**
     * Last: a slot that was reserved but not delivered (a replayed key, a failed insert) is
     * given back, and a task's place that its task did not use.
     */
    public void settle(Exchange exchange) {
        if (Boolean.TRUE.equals(exchange.removeProperty(RESERVED)) && exchange.removeProperty(DELIVERED) == null) {
            slots.giveBack();
        }
        // a task run on its caller's thread gave its place back as it ended; one refused, or
        // never run, gives it back here
        if (exchange.removeProperty(TaskPermit.PROPERTY) instanceof TaskPermit permit) {
            permit.release();
        }
    }
}
