package dev.aiwebhook.worker;

import java.time.Duration;

import dev.aiwebhook.catalog.CommandCatalog;
import dev.aiwebhook.config.AppProperties;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The permits' bounds: how many (the machine's cores unless configured), who takes one (session
 * commands, not tasks), and how long a command waits for one before it goes ahead without.
 */
class CommandPermitsBoundsTest {

    private static final CamelContext CAMEL = new DefaultCamelContext();

    private static CommandPermits permits(int applyConcurrency, Duration wait) {
        return new CommandPermits(new AppProperties("all", null, null, null, null, null, null,
                new AppProperties.Worker("w", 8, applyConcurrency, wait, Duration.ofSeconds(10))));
    }

    private static Exchange webhook(String type) {
        Exchange exchange = new DefaultExchange(CAMEL);
        exchange.getMessage().setHeader("webhookType", type);
        return exchange;
    }

    @Test
    void zeroMeansAsManyAsTheMachineHasCoresAndANumberIsKept() {
        int cores = Runtime.getRuntime().availableProcessors();
        assertThat(permits(0, Duration.ofSeconds(1)).size()).isEqualTo(cores);
        assertThat(permits(0, Duration.ofSeconds(1)).available()).isEqualTo(cores);
        assertThat(permits(5, Duration.ofSeconds(1)).size()).isEqualTo(5);
        assertThatThrownBy(() -> permits(-1, Duration.ofSeconds(1)))
                .hasMessageContaining("WORKER_APPLY_CONCURRENCY");
    }

    @Test
    void sessionCommandsTakeOneTasksNone() throws Exception {
        CommandPermits permits = permits(2, Duration.ofSeconds(1));
        Exchange task = webhook(CommandCatalog.TASK_COMMAND);
        permits.enter(task);
        assertThat(permits.available()).isEqualTo(2);
        Exchange command = webhook(CommandCatalog.SESSION_COMMAND);
        permits.enter(command);
        assertThat(permits.available()).isEqualTo(1);
        permits.leave(task);
        assertThat(permits.available()).isEqualTo(1);
        permits.leave(command);
        permits.leave(command);   // given back once, whatever calls it again
        assertThat(permits.available()).isEqualTo(2);
    }

    @Test
    @Timeout(10)   // a command that waited for good fails here instead of hanging the build
    void aCommandThatWaitedItsTimeGoesAheadWithoutOne() throws Exception {
        CommandPermits permits = permits(1, Duration.ofMillis(100));
        Exchange holder = webhook(CommandCatalog.SESSION_COMMAND);
        permits.enter(holder);
        Exchange late = webhook(CommandCatalog.SESSION_COMMAND);
        permits.enter(late);   // returns: a held permit never keeps a command waiting for good
        assertThat(permits.available()).isZero();
        permits.leave(late);   // it took none, so it gives none back
        assertThat(permits.available()).isZero();
        permits.leave(holder);
        assertThat(permits.available()).isEqualTo(1);
    }
}
