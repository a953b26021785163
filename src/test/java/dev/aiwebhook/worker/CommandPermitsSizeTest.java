package dev.aiwebhook.worker;

import java.time.Duration;

import dev.aiwebhook.config.AppProperties;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How many session commands are applied at once: the machine's cores unless configured. */
class CommandPermitsSizeTest {

    private static CommandPermits permits(int applyConcurrency) {
        return new CommandPermits(new AppProperties("all", null, null, null, null, null, null,
                new AppProperties.Worker("w", 8, applyConcurrency, Duration.ofSeconds(10))));
    }

    @Test
    void zeroMeansAsManyAsTheMachineHasCores() {
        assertThat(permits(0).size()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(permits(0).available()).isEqualTo(Runtime.getRuntime().availableProcessors());
    }

    @Test
    void aConfiguredNumberIsKept() {
        assertThat(permits(5).size()).isEqualTo(5);
    }
}
