package dev.aiwebhook.config;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** Whether a class data archive was used, read from the process's memory mappings (ClassDataArchiveIT runs the JVM). */
class ClassDataArchiveCheckTest {

    private static final String MAPS = """
            7f0e1b000000-7f0e1b2a1000 rw-p 00001000 fe:01 1234 /opt/app/ai-webhook.jsa
            7f0e1c000000-7f0e1c100000 r--s 00000000 fe:01 99 /usr/lib/jvm/java-17/lib/server/classes.jsa
            7f0e1d000000-7f0e1d100000 r--p 00000000 fe:01 98 /opt/app/ai-webhook.jsa.old
            """;

    @Test
    void anArchiveAmongTheMappingsWasUsed() {
        assertThat(ClassDataArchiveCheck.unused("/opt/app/ai-webhook.jsa", MAPS)).isFalse();
        assertThat(ClassDataArchiveCheck.unused("/opt/app/./ai-webhook.jsa", MAPS)).as("normalized").isFalse();
    }

    @Test
    void anArchiveReachedThroughASymbolicLinkIsFoundByItsRealPath(@TempDir Path tmp) throws Exception {
        Path release = Files.createDirectories(tmp.resolve("releases/v3"));
        Path real = Files.writeString(release.resolve("ai-webhook.jsa"), "archive");
        Path current = Files.createSymbolicLink(tmp.resolve("current"), release);
        String maps = "7f0e1b000000-7f0e1b2a1000 rw-p 00001000 fe:01 1234 " + real.toRealPath() + "\n";

        assertThat(ClassDataArchiveCheck.unused(current.resolve("ai-webhook.jsa").toString(), maps)).isFalse();
    }

    @Test
    void twoArchivesAreUsedOnlyWhenBothAreMapped() {
        String top = "/opt/app/ai-webhook.jsa";
        String base = "/usr/lib/jvm/java-17/lib/server/classes.jsa";
        assertThat(ClassDataArchiveCheck.unused(base + ":" + top, MAPS)).isFalse();
        assertThat(ClassDataArchiveCheck.unused(base + ":/srv/app/ai-webhook.jsa", MAPS)).isTrue();
    }

    @Test
    void anArchiveNotMappedOrOnlyAPathThatStartsTheSameWasNot() {
        assertThat(ClassDataArchiveCheck.unused("/srv/app/ai-webhook.jsa", MAPS)).isTrue();
        assertThat(ClassDataArchiveCheck.unused("/opt/app/ai-webhook", MAPS)).isTrue();
        assertThat(ClassDataArchiveCheck.unused("/opt/app/ai-webhook.jsa", "")).isTrue();
    }
}
