package dev.aiwebhook.config;

import dev.aiwebhook.Application;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.aot.AotDetector;
import org.springframework.boot.SpringApplication;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * AOT mode is for the packaged jar only (ClassDataArchiveIT sees the jar start in it): the
 * classes folder the tests run from holds the AOT pass's classes too, after a package, and
 * they may be stale, so an app started from a folder must not use them.
 */
class AheadOfTimeStartTest {

    private final String before = System.getProperty(AotDetector.AOT_ENABLED);

    @AfterEach
    void restore() {
        if (before == null) {
            System.clearProperty(AotDetector.AOT_ENABLED);
        } else {
            System.setProperty(AotDetector.AOT_ENABLED, before);
        }
    }

    @Test
    void onlyAClassLoadedFromAJarCountsAsPackaged() {
        assertThat(AheadOfTimeStart.fromJar(Application.class)).as("target/classes").isFalse();
        assertThat(AheadOfTimeStart.fromJar(SpringApplication.class)).as("spring-boot's jar").isTrue();
    }

    @Test
    void anAppStartedFromAClassesFolderIsNotSwitchedToAotMode() {
        System.clearProperty(AotDetector.AOT_ENABLED);
        AheadOfTimeStart.enableForJar(Application.class);
        assertThat(System.getProperty(AotDetector.AOT_ENABLED)).isNull();
    }

    @Test
    void aJarWithoutAnAotInitializerIsNotSwitchedToAotMode() {
        System.clearProperty(AotDetector.AOT_ENABLED);
        AheadOfTimeStart.enableForJar(SpringApplication.class);   // spring-boot's jar: no initializer for it
        assertThat(System.getProperty(AotDetector.AOT_ENABLED)).isNull();
    }

    @Test
    void aPackagedJarIsSwitchedOnlyWhenNobodyChose() {
        assertThat(AheadOfTimeStart.switchOn(null, true, true)).isTrue();
        assertThat(AheadOfTimeStart.switchOn("false", true, true)).as("-Dspring.aot.enabled=false").isFalse();
        assertThat(AheadOfTimeStart.switchOn(null, false, true)).as("a classes folder").isFalse();
        assertThat(AheadOfTimeStart.switchOn(null, true, false)).as("no initializer").isFalse();
    }
}
