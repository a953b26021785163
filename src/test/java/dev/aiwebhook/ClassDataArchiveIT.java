package dev.aiwebhook;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deployment layout the build makes (README, "Deployment"): the extracted jar started with the
 * class data archive of the build's training run. The JVM maps the archive only when it matches
 * this JVM and these jar files exactly (otherwise it warns and loads every class from its jar, the
 * slow way), so the test looks for the archive among the running app's memory mappings. Such a
 * start leaves the heap at its initial size unless it is collected once the app is ready. The jar
 * starts from the bean definitions its build's AOT pass wrote out (config/AheadOfTimeStart).
 */
class ClassDataArchiveIT {

    @RegisterExtension
    final AppProcesses apps = new AppProcesses();

    @Test
    void theDeploymentLayoutStartsWithItsClassDataArchiveMappedAndServes() throws Exception {
        assertThat(AppProcess.CLASS_DATA_ARCHIVE).as("made by the package phase").isRegularFile();
        AppProcess app = apps.add(AppProcess.allInOne("class-data").asUserRunsIt()).start();

        String maps = Files.readString(Path.of("/proc", String.valueOf(app.handle().pid()), "maps"));
        assertThat(maps).contains(AppProcess.CLASS_DATA_ARCHIVE.toAbsolutePath().toString());
        assertThat(app.logContains("shared archive")).as("no warning that the archive was refused").isFalse();
        // and from the bean definitions of the build's AOT pass (config/AheadOfTimeStart)
        assertThat(app.logContains("Starting AOT-processed Application")).as("started in AOT mode").isTrue();

        // started from the archive, the heap is collected once the app is ready (HeapAfterStartup)
        AppProcess.await("the heap is collected after startup", Duration.ofSeconds(60), () -> {
            try {
                return app.logContains("Heap after startup");
            } catch (Exception e) {
                return false;
            }
        });
        Matcher heap = Pattern.compile("Heap after startup: (\\d+) MB committed \\(was (\\d+) MB\\)")
                .matcher(app.logTail(400));
        assertThat(heap.find()).isTrue();
        long committedAfter = Long.parseLong(heap.group(1));
        assertThat(committedAfter).isLessThanOrEqualTo(Long.parseLong(heap.group(2)));
        // about 30 MB in use after startup; without the collection the heap keeps its initial size
        // (1/64 of the memory: 380 MB on a 24 GB machine) and grows under load
        assertThat(committedAfter).as("MB committed after the collection").isLessThanOrEqualTo(200);

        TestClient client = app.client();
        assertThat(client.command("create_session", "cds", Map.of("title", "from the archive")).status()).isEqualTo(200);
        assertThat(app.database().queryForObject("SELECT count(*) FROM sessions WHERE session_id = 'cds'", Long.class))
                .isEqualTo(1);
    }
}
