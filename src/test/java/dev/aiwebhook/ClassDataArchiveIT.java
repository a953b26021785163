package dev.aiwebhook;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deployment layout the build makes (README, "Deployment"): the extracted jar started with the
 * class data archive of the build's training run. The JVM maps the archive only when it matches
 * this JVM and these jar files exactly (otherwise it loads every class from its jar, the slow way,
 * without a word; the app then warns), so the test looks for the archive among the running app's
 * memory mappings. Such a start leaves the heap at its initial size unless it is collected once the
 * app is ready. The jar starts from the bean definitions its build's AOT pass wrote out
 * (config/AheadOfTimeStart).
 */
class ClassDataArchiveIT {

    @RegisterExtension
    final AppProcesses apps = new AppProcesses();

    @Test
    void theDeploymentLayoutStartsWithItsClassDataArchiveMappedAndServes() throws Exception {
        assertThat(AppProcess.CLASS_DATA_ARCHIVE).as("made by the package phase").isRegularFile();
        AppProcess app = apps.add(AppProcess.allInOne("class-data").asUserRunsIt()).start();

        assertThat(mappings(app)).contains(AppProcess.CLASS_DATA_ARCHIVE.toAbsolutePath().toString());
        assertThat(archiveReport(app)).as("the app's own check").endsWith("is in use");
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

    /**
     * The archive holds the absolute paths of the jars it was made from, and JDK 17 uses it only
     * for those: a copy of the layout in another folder starts without it (the slow way), until a
     * training run made there writes its own, with the command README "Deployment" gives (the
     * Docker image's training).
     */
    @Test
    void aCopiedLayoutStartsWithoutTheArchiveUntilItsOwnTrainingRunMakesOne() throws Exception {
        AppProcess app = apps.add(AppProcess.allInOne("class-data-copied"));
        Path copy = app.home().resolve("layout");
        copyWithTimestamps(AppProcess.LAYOUT, copy);
        Path archive = copy.resolve("ai-webhook.jsa");
        app.fromLayout(copy, List.of("-XX:SharedArchiveFile=" + archive)).start();

        assertThat(mappings(app)).doesNotContain(archive.toString());
        // the JVM says nothing; the app does (config/ClassDataArchiveCheck)
        assertThat(archiveReport(app)).contains("The class data archive " + archive + " was not used");
        assertThat(app.client().command("create_session", "copied", Map.of("title", "slow way")).status())
                .isEqualTo(200);
        app.stop();

        // README: d=$(mktemp -d); DATA_DIR=$d java -XX:ArchiveClassesAtExit=… -Dspring.context.exit=onRefresh
        // -jar …, from the folder that holds routes/ (this test's working directory)
        Files.delete(archive);
        ProcessBuilder training = new ProcessBuilder(AppProcess.JAVA.toString(),
                "-XX:ArchiveClassesAtExit=" + archive, "-Dspring.context.exit=onRefresh",
                "-jar", copy.resolve("ai-webhook.jar").toString())
                .redirectErrorStream(true).redirectOutput(app.home().resolve("training.log").toFile());
        AppProcess.INHERITED_SETTINGS.forEach(training.environment()::remove);
        training.environment().remove("ROUTES_DIR");
        training.environment().put("DATA_DIR", app.home().resolve("training-data").toString());
        Path pgData = app.home().resolve("training-data/postgres");
        try {
            Process run = training.start();
            assertThat(run.waitFor(180, TimeUnit.SECONDS)).as("the training run ends").isTrue();
            assertThat(run.exitValue()).as(Files.readString(app.home().resolve("training.log"))).isZero();
            assertThat(archive).isRegularFile();
            // the run ends with Runtime.halt: its PostgreSQL was stopped before (storage/TrainingRunStop)
            assertThat(pgData.resolve("postmaster.pid")).doesNotExist();
        } finally {
            AppProcess.postgresOn(pgData).ifPresent(ProcessHandle::destroy);   // left running if that failed
        }

        app.start();
        assertThat(mappings(app)).contains(archive.toString());
        assertThat(archiveReport(app)).endsWith("The class data archive " + archive + " is in use");
        assertThat(app.client().command("create_session", "copied-2", Map.of("title", "from its own archive"))
                .status()).isEqualTo(200);
    }

    /**
     * The line config/ClassDataArchiveCheck logs once the app is ready: /health may answer
     * before that listener has run.
     */
    private static String archiveReport(AppProcess app) throws Exception {
        AppProcess.await("the app reports on its class data archive", Duration.ofSeconds(60), () -> {
            try {
                return app.logContains("The class data archive ");
            } catch (Exception e) {
                return false;
            }
        });
        return app.logLines("The class data archive ").get(0);
    }

    private static String mappings(AppProcess app) throws Exception {
        return Files.readString(Path.of("/proc", String.valueOf(app.handle().pid()), "maps"));
    }

    /** As {@code cp -a}: the files with their modification times, which the JVM checks. */
    private static void copyWithTimestamps(Path from, Path to) throws Exception {
        try (var files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
