package dev.aiwebhook.worker;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aiwebhook.commands.CommandInput;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;

/**
 * The memories of a group's sync {@code store_memory} commands, stored by one statement
 * ({@code sql/memories/store_memories.sql}) before the group's members run, in the group's
 * transaction ({@link CommandGroups}); each member's route {@code store-memory} then finds its
 * row (property {@value #STORED}) instead of running its own statement. PostgreSQL starts one
 * statement for the group instead of one per memory, and the group holds its permit for less
 * time (README, Benchmark, twenty-sixth round).
 * <p>
 * Only commands run on their callers' threads take part: born in this transaction, they were
 * never delivered before, so nothing would skip them once their memory is stored. The order in
 * which the group takes its sessions' locks is kept: from the start of the group, each store
 * that is the first command of its session goes in, until a command that cannot (another
 * command, a delivered one, or data its route will refuse); from there on every member runs its
 * own statements, as before. Each session's commands keep their order: a later command of a
 * session stored here runs after it, by its own statement (after the stores of the sessions
 * that follow, in the group's one transaction). A session that does not exist returns no row:
 * that member runs its own statement, which fails it as before. When the statement fails, the
 * group rolls back and is tried again with each store by its own statement.
 */
@Component("groupStores")
public class GroupStores {

    private static final Logger LOG = LoggerFactory.getLogger(GroupStores.class);
    static final String STORE_MEMORIES = "sql:classpath:sql/memories/store_memories.sql?outputType=SelectList";
    /**
     * On a member's copy: its memory's row as route store-memory's own statement returns it; its
     * data was checked, and the variables its messages read set, by the same call as the route's
     * bean makes ({@link CommandInput#storeMemory}), which the route then skips.
     */
    public static final String STORED = "storedMemory";

    private final ProducerTemplate producer;
    private final CommandInput input;
    private volatile Endpoint statement;

    public GroupStores(@Lazy ProducerTemplate producer, CommandInput input) {
        this.producer = producer;
        this.input = input;
    }

    /**
     * The copies of a group's members, in its order, with their sessions ("" for none): stores
     * the memories of those that may go together, when there are two or more, and sets
     * {@value #STORED} on their copies. False when the statement failed (the group must roll back).
     */
    boolean storeTogether(List<Exchange> copies, List<String> sessions) {
        List<Exchange> stores = new ArrayList<>();
        List<Map<String, Object>> params = new ArrayList<>();
        Set<String> stored = new HashSet<>();
        for (int i = 0; i < copies.size(); i++) {
            String session = sessions.get(i);
            if (stored.contains(session)) {
                continue;   // after its session's store, on its own; its session is locked already
            }
            Map<String, Object> p = session.isEmpty() ? null : paramsOf(copies.get(i));
            if (p == null || !session.equals(p.get("session_id"))) {
                break;   // it would take its session's lock after the later sessions'
            }
            stores.add(copies.get(i));
            params.add(p);
            stored.add(session);
        }
        if (stores.size() < 2) {
            return true;
        }
        Exchange done = producer.send(statement(), e -> e.getMessage().setBody(Map.of(
                "session_ids", column(params, "session_id"), "keys", column(params, "key"),
                "types", column(params, "type"), "contents", column(params, "content"), "tags", column(params, "tags"))));
        if (done.getException() != null) {
            LOG.debug("A group's memories were not stored together: {}", done.getException().getMessage());
            return false;
        }
        Map<Object, Object> bySession = new HashMap<>();
        for (Object row : done.getMessage().getBody(List.class)) {
            Map<?, ?> r = (Map<?, ?>) row;
            bySession.put(r.get("session_id"), r.get("result"));
        }
        for (int i = 0; i < stores.size(); i++) {
            Object row = bySession.get(params.get(i).get("session_id"));
            if (row != null) {
                stores.get(i).setProperty(STORED, row);
            }
        }
        return true;
    }

    /** A sync store_memory run on its caller's thread: its statement's parameters, or null. */
    private Map<String, Object> paramsOf(Exchange copy) {
        if (!"store_memory".equals(copy.getMessage().getHeader("command")) || copy.getProperty("relayRow") == null) {
            return null;
        }
        JsonNode payload = copy.getProperty("payload", JsonNode.class);
        if (payload == null) {
            return null;
        }
        try {
            return input.storeMemory(payload, copy);
        } catch (RuntimeException e) {
            return null;   // refused: its route says why
        }
    }

    private static String[] column(List<Map<String, Object>> params, String name) {
        String[] values = new String[params.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (String) params.get(i).get(name);
        }
        return values;
    }

    private Endpoint statement() {
        Endpoint e = statement;
        if (e == null) {
            e = producer.getCamelContext().getEndpoint(STORE_MEMORIES);
            statement = e;
        }
        return e;
    }
}
