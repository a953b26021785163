package dev.aiwebhook.worker;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
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
 * {@code transacted} joins it), in order of session id, so two groups take their sessions'
 * locks in the same order. When every member succeeded and the commit did, each copy's
 * message and properties become its exchange's. When a member failed (a command error, a
 * refused value, the database away) or the group could not begin, the group rolled back:
 * nothing of it was stored, and each member is applied again, alone, on its own thread, as if
 * there had been no group. When the commit itself failed, the group may have committed: each
 * member fails with that error, as a transaction of its own would (a sync caller gets 503 and
 * the webhook's status URL; a delivered webhook is redelivered, and its marker tells whether it
 * was applied).
 */
@Component("commandGroups")
public class CommandGroups {

    private static final Logger LOG = LoggerFactory.getLogger(CommandGroups.class);
    static final String APPLY = "direct:apply-webhook";

    /** What became of a member of a group. */
    enum Outcome { APPLIED, APPLY_ALONE, COMMIT_FAILED }

    private final ProducerTemplate producer;
    private final TransactionTemplate transactions;
    private volatile Endpoint apply;

    public CommandGroups(@Lazy ProducerTemplate producer, PlatformTransactionManager transactionManager) {
        this.producer = producer;
        this.transactions = new TransactionTemplate(transactionManager);
    }

    /** One webhook, in its own transaction (the route's), on the current thread. */
    public void applyAlone(Exchange exchange) {
        producer.send(endpoint(), exchange);
    }

    /**
     * Two or more session commands in one transaction, on the current thread; sets each
     * member's outcome, and for an applied one its exchange's message and properties.
     */
    void applyTogether(List<CommandPermits.Member> group) {
        List<CommandPermits.Member> ordered = new ArrayList<>(group);
        ordered.sort(Comparator.comparing(CommandGroups::sessionOf));   // stable: arrival order within a session
        List<Exchange> copies = new ArrayList<>(ordered.size());
        for (CommandPermits.Member m : ordered) {
            copies.add(m.exchange().copy());
        }
        boolean[] committing = {false};
        Outcome outcome;
        RuntimeException commitFailure = null;
        try {
            Boolean applied = transactions.execute(status -> {
                for (Exchange copy : copies) {
                    producer.send(endpoint(), copy);
                    if (failed(copy) || status.isRollbackOnly()) {
                        status.setRollbackOnly();
                        return false;
                    }
                }
                committing[0] = true;
                return true;
            });
            outcome = Boolean.TRUE.equals(applied) ? Outcome.APPLIED : Outcome.APPLY_ALONE;
        } catch (UnexpectedRollbackException e) {
            outcome = Outcome.APPLY_ALONE;   // rolled back for sure
        } catch (RuntimeException e) {
            if (committing[0]) {
                outcome = Outcome.COMMIT_FAILED;
                commitFailure = e;
            } else {
                outcome = Outcome.APPLY_ALONE;   // it could not begin: nothing was written
            }
        }
        if (outcome != Outcome.APPLIED) {
            LOG.debug("A group of {} session commands was not applied together ({}); each goes on its own",
                    ordered.size(), outcome);
        }
        for (int i = 0; i < ordered.size(); i++) {
            CommandPermits.Member m = ordered.get(i);
            if (outcome == Outcome.APPLIED) {
                takeOver(m.exchange(), copies.get(i));
            }
            m.settle(outcome, commitFailure);
        }
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

    private static String sessionOf(CommandPermits.Member m) {
        JsonNode payload = m.exchange().getProperty("payload", JsonNode.class);
        return payload == null ? "" : payload.path("session_id").asText("");
    }

    private Endpoint endpoint() {
        Endpoint e = apply;
        if (e == null) {
            e = producer.getCamelContext().getEndpoint(APPLY);
            apply = e;
        }
        return e;
    }
}
