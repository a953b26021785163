package dev.aiwebhook;

import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aiwebhook.config.AppProperties;
import dev.aiwebhook.worker.WorkerSlots;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A worker slot is given back however its webhook ends, here when route process-webhook fails
 * outside the command's transaction and its error handler (worker-errors) handles the failure:
 * Camel then runs only the first step of a {@code doFinally}, so route run-webhook's one must
 * be the one that gives the slot back (session 22). A slot kept would leave the worker, after
 * as many such failures as it has slots, unable to claim anything again.
 */
class WorkerSlotsTest extends AppTestSupport {

    @Autowired
    WorkerSlots slots;
    @Autowired
    ProducerTemplate producer;
    @Autowired
    AppProperties props;

    @Test
    void aWebhookWhoseProcessingFailsOutsideItsTransactionGivesItsSlotBack() throws Exception {
        int concurrency = props.worker().concurrency();
        pauseTheWorker();   // its poller would take the free slots too, and make this wait for them
        try {
            for (int i = 0; i <= concurrency; i++) {
                // as the poller and the hand-off do: a slot first, then the webhook to run with it
                assertThat(slots.tryTake(5_000)).as("a free slot for failure %d of %d", i + 1, concurrency + 1).isTrue();
                ObjectNode item = new ObjectMapper().createObjectNode();
                item.put("id", "slot-test-" + System.nanoTime());
                item.put("attempts", 1);
                // no payload: Deliveries.open fails on it, before any transaction
                Exchange done = producer.send("direct:run-webhook", e -> e.getMessage().setBody(item));
                assertThat(done.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class))
                        .as("handled by process-webhook's error handler").isNotNull();
                assertThat(done.getException()).isNull();
            }
        } finally {
            worker.resume();
        }

        // and the worker still claims and applies what comes next
        String s = "slots-after-" + System.nanoTime();
        var reply = client.webhook(TestClient.json(Map.of("type", "collaborative_session_command",
                "command", "create_session", "session_id", s, "data", Map.of("title", s))));
        assertThat(reply.status()).as(reply.toString()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> count("SELECT count(*) FROM sessions WHERE session_id = ?", s) == 1);
    }
}
