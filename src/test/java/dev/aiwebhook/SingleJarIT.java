package dev.aiwebhook;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The single jar ({@code java -jar target/ai-webhook-0.1.0-SNAPSHOT.jar}, README "Deployment")
 * starts from the bean definitions of the build's AOT pass, as the layout does
 * ({@code config/AheadOfTimeStart}: its {@code Application} comes from the jar's
 * {@code BOOT-INF/classes}), and serves.
 */
class SingleJarIT {

    @RegisterExtension
    final AppProcesses apps = new AppProcesses();

    @Test
    void theSingleJarStartsInAotModeAndServes() throws Exception {
        AppProcess app = apps.add(AppProcess.allInOne("single-jar")).start();

        assertThat(app.logContains("Starting AOT-processed Application")).as("started in AOT mode").isTrue();
        assertThat(app.client().command("create_session", "single", Map.of("title", "single jar")).status())
                .isEqualTo(200);
        assertThat(app.database().queryForObject("SELECT count(*) FROM sessions WHERE session_id = 'single'", Long.class))
                .isEqualTo(1);
    }
}
