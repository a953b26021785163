package dev.aiwebhook.config;

import dev.aiwebhook.Application;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * AOT mode is for the packaged jar only (ClassDataArchiveIT sees the jar start in it): the
 * classes folder the tests run from holds the AOT pass's classes too, after a package, and
 * they may be stale, so an app started from a folder must not use them.
 */
class AheadOfTimeStartTest {

    private final String before = System.getProperty("spring.aot.enabled");

    @AfterEach
    void restore() {
        if (before == null) {
            System.clearProperty("spring.aot.enabled");
        } else {
            System.setProperty("spring.aot.enabled", before);
        }
    }

    @Test
    void onlyAClassLoadedFromAJarCountsAsPackaged() {
        assertThat(AheadOfTimeStart.fromJar(Application.class)).as("target/classes").isFalse();
        assertThat(AheadOfTimeStart.fromJar(SpringApplication.class)).as("spring-boot's jar").isTrue();
    }

    @Test
    void anAppStartedFromAClassesFolderIsNotSwitchedToAotMode() {
        System.clearProperty("spring.aot.enabled");
        AheadOfTimeStart.enableForJar(Application.class);
        assertThat(System.getProperty("spring.aot.enabled")).isNull();
    }

    @Test
    void aJarWithoutAnAotInitializerIsNotSwitchedToAotMode() {
        System.clearProperty("spring.aot.enabled");
        AheadOfTimeStart.enableForJar(SpringApplication.class);   // spring-boot's jar: no initializer for it
        assertThat(System.getProperty("spring.aot.enabled")).isNull();
    }

    @Test
    void aPackagedJarIsSwitchedOnlyWhenNobodyChose() {
        assertThat(AheadOfTimeStart.switchOn(null, true, true)).isTrue();
        assertThat(AheadOfTimeStart.switchOn("false", true, true)).as("-Dspring.aot.enabled=false").isFalse();
        assertThat(AheadOfTimeStart.switchOn(null, false, true)).as("a classes folder").isFalse();
        assertThat(AheadOfTimeStart.switchOn(null, true, false)).as("no initializer").isFalse();
    }

    @Test
    void anExplicitChoiceIsKept() {
        System.setProperty("spring.aot.enabled", "false");
        AheadOfTimeStart.enableForJar(Application.class);
        assertThat(System.getProperty("spring.aot.enabled")).isEqualTo("false");
    }
}
