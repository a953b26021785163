package dev.aiwebhook.worker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aiwebhook.commands.SessionIds;
import dev.aiwebhook.config.AppProperties;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.UnexpectedRollbackException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Applies session commands through route {@code apply-webhook}: one in its own transaction, or
 * several, waiting together for a permit ({@link CommandPermits}), in one transaction: one
 * commit for them all instead of one each.
 * <p>
 * A group is all or nothing, and nothing of a member is seen outside it until it commits: each
 * member runs on a copy of its exchange, inside the transaction the group began (the route's
 * {@code transacted} joins it), in order of session id (arrival order within a session), so two
 * groups take their sessions' locks in the same order; a command waits at most
 * {@code WORKER_APPLY_WAIT} for a lock held outside its group. When every member succeeded and
 * the commit did, each copy's message and properties become its exchange's. When a member
 * failed (a command error, a refused value, a lock not granted in time, the database away), the
 * group rolled back and nothing of it was stored: that member, and the others of its session,
 * are applied again alone, each on its own thread, as if there had been no group, and the
 * others are tried together again ({@value #MAX_TRIES} tries in all, then each alone). When the
 * group could not begin, each member is applied alone. When the commit itself failed, the group may
 * have committed: each member fails with that error, as a transaction of its own would (a sync
 * caller gets 503 and the webhook's status URL; a delivered webhook is redelivered, and its
 * marker tells whether it was applied).
 * <p>
 * What route apply-webhook writes last for each member, it leaves to the group, which writes it
 * for all of them by one statement, last before it commits, instead of one each: the relay's
 * rows of the members run on their callers' threads ({@link HandOff#runInline},
 * {@code sql/worker/store_applied_webhooks.sql}), and the results of those delivered to this
 * worker in process, recorded at the relay ({@code sql/worker/save_and_record_results.sql}).
 * Before its members run, the group stores the memories of its sync callers' {@code store_memory}
 * commands that may go together by one statement too ({@link GroupStores}).
 * When such a statement fails, the group rolls back and is tried again with each member writing
 * its own, as above, so that a member whose row is refused is found and leaves the group (a store
 * whose session is locked outside the group past the lock's wait is thus waited for twice: by the
 * statement for the memories, then by its own).
 */
@Component("commandGroups")
public class CommandGroups {

    private static final Logger LOG = LoggerFactory.getLogger(CommandGroups.class);
    static final String APPLY = "direct:apply-webhook";
    /** Tries of a group, each without the commands that failed the one before; then each alone. */
    static final int MAX_TRIES = 3;
    static final String LOCK_TIMEOUT = "sql:classpath:sql/worker/group_lock_timeout.sql?outputType=SelectOne";
    static final String STORE_ROWS = "sql:classpath:sql/worker/store_applied_webhooks.sql?outputType=SelectList";
    static final String RECORD_RESULTS = "sql:classpath:sql/worker/save_and_record_results.sql?outputType=SelectList";
    /**
     * On each member's copy in a group: what its members left for the group to write
     * ({@link #deferRelayRow}, {@link #deferCompletion}).
     */
    public static final String GROUP_ROWS = "groupRows";

    /** What became of a member of a group. */
    enum Outcome { APPLIED, APPLY_ALONE, COMMIT_FAILED }

    private final ProducerTemplate producer;
    private final GroupStores stores;
    private final TransactionTemplate transactions;
    private final String lockTimeout;
    private volatile Endpoints endpoints;

    public CommandGroups(@Lazy ProducerTemplate producer, GroupStores stores, PlatformTransactionManager transactionManager,
                         AppProperties props) {
        this.producer = producer;
        this.stores = stores;
        this.transactions = new TransactionTemplate(transactionManager);
        this.lockTimeout = props.worker().applyWait().toMillis() + "ms";
    }

    /** One webhook, in its own transaction (the route's), on the current thread. */
    public void applyAlone(Exchange exchange) {
        producer.send(endpoints().apply(), exchange);
    }

    /**
     * Whether a session command may share a transaction: not a batch (its elements may lock
     * sessions in any order).
     */
    static boolean groupable(Exchange exchange) {
        return !"batch".equals(exchange.getMessage().getHeader("command"));
    }

    /**
     * Two or more session commands, in one transaction if they can, on the current thread; each
     * member is settled (for an applied one, its exchange's message and properties set), whatever
     * happens.
     */
    void applyTogether(List<CommandPermits.Member> group) {
        Map<CommandPermits.Member, String> sessions = new IdentityHashMap<>();
        for (CommandPermits.Member m : group) {
            sessions.put(m, sessionOf(m));   // read once: sorting and leaving compare them again and again
        }
        List<CommandPermits.Member> remaining = new ArrayList<>(group);
        remaining.sort(Comparator.comparing(sessions::get));   // stable: arrival order within a session
        boolean deferRows = true;
        boolean storeTogether = true;
        try {
            for (int tries = 0; tries < MAX_TRIES && remaining.size() > 1; tries++) {
                Attempt attempt = attempt(remaining, sessions, deferRows, storeTogether);
                if (attempt.storesRefused()) {
                    // the statement for its memories failed first thing: together again, each
                    // store by its own, so a member whose memory fails is found, and leaves, as
                    // below; not counted as a try (it happens once), nobody having left
                    storeTogether = false;
                    tries--;
                    continue;
                }
                if (attempt.rowsRefused()) {
                    // the group's own statement failed: together again, each member writing its
                    // own rows, so a member whose row is refused is found, and leaves, as above
                    deferRows = false;
                    continue;
                }
                if (attempt.failedAt() < 0) {
                    for (CommandPermits.Member m : remaining) {
                        m.settle(attempt.outcome(), attempt.commitFailure());
                    }
                    return;
                }
                // the one that failed leaves, with the others of its session (a session locked
                // elsewhere, or missing, would fail them in turn); each is applied alone
                CommandPermits.Member failed = remaining.get(attempt.failedAt());
                String session = sessions.get(failed);
                LOG.debug("A group of {} session commands rolled back: those of one session are applied alone, "
                        + "the others together again", remaining.size());
                remaining.removeIf(m -> {
                    boolean leaves = m == failed || (!session.isEmpty() && session.equals(sessions.get(m)));
                    if (leaves) {
                        m.settle(Outcome.APPLY_ALONE, null);
                    }
                    return leaves;
                });
            }
        } finally {
            for (CommandPermits.Member m : remaining) {
                m.settle(Outcome.APPLY_ALONE, null);   // one left, tries used up, or an error: alone (settled once)
            }
        }
    }

    /**
     * One try of a group: failedAt is the member that failed (the group rolled back), or -1 with
     * the outcome of all (applied; each alone, when it could not begin; or its commit failed);
     * or rowsRefused / storesRefused, when the group's own statement for its members' relay rows
     * / memories failed (rolled back).
     */
    private record Attempt(int failedAt, Outcome outcome, RuntimeException commitFailure, boolean rowsRefused,
                           boolean storesRefused) {

        Attempt(int failedAt, Outcome outcome, RuntimeException commitFailure) {
            this(failedAt, outcome, commitFailure, false, false);
        }
    }

    /**
     * With storeTogether, the group first stores the memories of the sync stores that may go
     * together by one statement ({@link GroupStores}); with deferRows, it writes their relay rows
     * (or results) last by one statement ({@link #writeDeferred}).
     */
    private Attempt attempt(List<CommandPermits.Member> members, Map<CommandPermits.Member, String> sessions,
                            boolean deferRows, boolean storeTogether) {
        List<Exchange> copies = new ArrayList<>(members.size());
        List<String> copySessions = new ArrayList<>(members.size());
        List<DeferredRow> rows = new ArrayList<>();
        for (CommandPermits.Member m : members) {
            Exchange copy = m.exchange().copy();
            if (deferRows) {
                copy.setProperty(GROUP_ROWS, rows);
            }
            copies.add(copy);
            copySessions.add(sessions.get(m));
        }
        int[] failedAt = {-1};
        boolean[] committing = {false};
        boolean[] rowsRefused = {false};
        boolean[] storesRefused = {false};
        try {
            transactions.executeWithoutResult(status -> {
                Exchange timeout = producer.send(endpoints().lockTimeout(),
                        e -> e.getMessage().setHeader("lock_timeout", lockTimeout));
                if (timeout.getException() != null) {
                    throw new IllegalStateException("the group's lock timeout was not set", timeout.getException());
                }
                if (storeTogether && !stores.storeTogether(copies, copySessions)) {
                    status.setRollbackOnly();
                    storesRefused[0] = true;
                    return;
                }
                for (int i = 0; i < copies.size(); i++) {
                    producer.send(endpoints().apply(), copies.get(i));
                    if (failed(copies.get(i)) || status.isRollbackOnly()) {
                        status.setRollbackOnly();
                        failedAt[0] = i;
                        return;
                    }
                }
                if (!rows.isEmpty() && !writeDeferred(rows)) {
                    status.setRollbackOnly();
                    rowsRefused[0] = true;
                    return;
                }
                committing[0] = true;
            });
        } catch (UnexpectedRollbackException e) {
            // rolled back for sure; no member said why: each alone
            return new Attempt(-1, Outcome.APPLY_ALONE, null);
        } catch (RuntimeException e) {
            return committing[0] ? new Attempt(-1, Outcome.COMMIT_FAILED, e)
                    : new Attempt(-1, Outcome.APPLY_ALONE, null);   // it could not begin: nothing was written
        }
        if (failedAt[0] >= 0) {
            return new Attempt(failedAt[0], null, null);
        }
        if (rowsRefused[0] || storesRefused[0]) {
            return new Attempt(-1, null, null, rowsRefused[0], storesRefused[0]);
        }
        for (int i = 0; i < members.size(); i++) {
            copies.get(i).removeProperty(GROUP_ROWS);
            copies.get(i).removeProperty(GroupStores.STORED);
            takeOver(members.get(i).exchange(), copies.get(i));
        }
        return new Attempt(-1, Outcome.APPLIED, null);
    }

    /**
     * Route apply-webhook, for a member run on its caller's thread: its relay row (body: the
     * parameters of {@code sql/worker/store_applied_webhook.sql}) is left for the group to store.
     */
    public void deferRelayRow(Exchange exchange) {
        defer(exchange, true);
    }

    /**
     * Route apply-webhook, for a member delivered to this worker in process: its result (body:
     * the parameters of {@code sql/worker/save_and_record_result.sql}) is left for the group to
     * record.
     */
    public void deferCompletion(Exchange exchange) {
        defer(exchange, false);
    }

    private static void defer(Exchange exchange, boolean inline) {
        @SuppressWarnings("unchecked")
        List<DeferredRow> rows = exchange.getProperty(GROUP_ROWS, List.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> params = exchange.getMessage().getBody(Map.class);
        rows.add(new DeferredRow(exchange, params, inline));
    }

    /**
     * What a member left for the group to write, the member's copy it belongs to, and which:
     * its relay row (inline) or its result to record at the relay.
     */
    private record DeferredRow(Exchange copy, Map<String, Object> params, boolean inline) {
    }

    /**
     * Inside the group's transaction, after its last member: what its members left, one
     * statement for each kind; each copy is then marked as route apply-webhook's own statement
     * marks it (header {@code recorded}). False when a statement failed, or did not store every
     * relay row.
     */
    private boolean writeDeferred(List<DeferredRow> rows) {
        List<DeferredRow> inline = new ArrayList<>();
        List<DeferredRow> delivered = new ArrayList<>();
        for (DeferredRow row : rows) {
            (row.inline() ? inline : delivered).add(row);
        }
        return (inline.isEmpty() || storeRows(inline)) && (delivered.isEmpty() || recordResults(delivered));
    }

    private boolean storeRows(List<DeferredRow> rows) {
        String[] ids = column(rows, "id");
        List<?> stored = send(endpoints().storeRows(), Map.of("ids", ids, "client_ids", column(rows, "client_id"),
                "payloads", column(rows, "payload"), "outcomes", column(rows, "outcome"), "results", column(rows, "result")));
        if (stored == null || !byId(stored).keySet().equals(new HashSet<>(Arrays.asList(ids)))) {
            return false;
        }
        for (int i = 0; i < ids.length; i++) {
            rows.get(i).copy().getMessage().setHeader("recorded", Map.of("id", ids[i]));
        }
        return true;
    }

    /** As save_and_record_result.sql for each: a webhook whose row was not recorded is left unmarked, as there. */
    private boolean recordResults(List<DeferredRow> rows) {
        String[] ids = column(rows, "id");
        List<?> recorded = send(endpoints().recordResults(), Map.of("ids", ids, "outcomes", column(rows, "outcome"),
                "results", column(rows, "result")));
        if (recorded == null) {
            return false;
        }
        Map<Object, Map<?, ?>> rowsById = byId(recorded);
        for (int i = 0; i < ids.length; i++) {
            Map<?, ?> row = rowsById.get(ids[i]);
            if (row != null) {
                rows.get(i).copy().getMessage().setHeader("recorded", row);
            }
        }
        return true;
    }

    /** One statement for the group's rows: the rows it returned, or null when it failed. */
    private List<?> send(Endpoint statement, Map<String, Object> params) {
        Exchange done = producer.send(statement, e -> e.getMessage().setBody(params));
        if (done.getException() != null) {
            LOG.debug("A group's rows were not written together: {}", done.getException().getMessage());
            return null;
        }
        List<?> rows = done.getMessage().getBody(List.class);
        return rows == null ? List.of() : rows;
    }

    /** The values of one parameter, one per row, in order. */
    private static String[] column(List<DeferredRow> rows, String name) {
        String[] values = new String[rows.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = Objects.toString(rows.get(i).params().get(name), null);
        }
        return values;
    }

    private static Map<Object, Map<?, ?>> byId(List<?> rows) {
        Map<Object, Map<?, ?>> byId = new HashMap<>();
        for (Object row : rows) {
            Map<?, ?> r = (Map<?, ?>) row;
            byId.put(r.get("id"), r);
        }
        return byId;
    }

    /** A member failed: an exception, or a failure the route turned into its outcome header. */
    private static boolean failed(Exchange copy) {
        return copy.getException() != null || copy.isRollbackOnly() || copy.isRollbackOnlyLast()
                || copy.getMessage().getHeader("outcome") != null;
    }

    /** A copy applied in a committed group: its message and properties become the exchange's. */
    private static void takeOver(Exchange exchange, Exchange copy) {
        exchange.getMessage().setHeaders(copy.getMessage().getHeaders());
        exchange.getMessage().setBody(copy.getMessage().getBody());
        exchange.getProperties().putAll(copy.getProperties());
        exchange.getVariables().putAll(copy.getVariables());
    }

    /** The session a member is about (either place a command may name it), or "" for none or a bad one. */
    private static String sessionOf(CommandPermits.Member m) {
        JsonNode payload = m.exchange().getProperty("payload", JsonNode.class);
        if (payload == null) {
            return "";
        }
        try {
            String id = SessionIds.optional(payload);
            return id == null ? "" : id;
        } catch (RuntimeException e) {
            return "";
        }
    }

    /** Route apply-webhook and the group's own statements: each group's every send. */
    private record Endpoints(Endpoint apply, Endpoint lockTimeout, Endpoint storeRows, Endpoint recordResults) {
    }

    /** Resolved once, at the first use (the Camel context is not ready when this bean is built). */
    private Endpoints endpoints() {
        Endpoints e = endpoints;
        if (e == null) {
            CamelContext camel = producer.getCamelContext();
            e = new Endpoints(camel.getEndpoint(APPLY), camel.getEndpoint(LOCK_TIMEOUT), camel.getEndpoint(STORE_ROWS),
                    camel.getEndpoint(RECORD_RESULTS));
            endpoints = e;
        }
        return e;
    }
}
