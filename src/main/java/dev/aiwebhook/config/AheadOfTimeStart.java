package dev.aiwebhook.config;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;

import org.springframework.aot.AotDetector;

/**
 * The packaged jar starts from the bean definitions that the build's AOT pass wrote out
 * ({@code spring-boot-maven-plugin:process-aot}, README "Deployment"), instead of finding them
 * at every start (scanning classes, evaluating the auto-configurations' conditions). Only a jar:
 * it was packaged by the same build as its AOT classes. A classes folder ({@code spring-boot:run},
 * an IDE, the tests) may hold AOT classes left by an earlier build that no longer match the code,
 * so it starts the usual way. {@code -Dspring.aot.enabled=false} turns it off.
 */
public final class AheadOfTimeStart {

    private AheadOfTimeStart() {
    }

    /** Before {@code SpringApplication.run}: turns AOT mode on for a jar that carries its AOT initializer. */
    public static void enableForJar(Class<?> application) {
        if (switchOn(System.getProperty(AotDetector.AOT_ENABLED), fromJar(application), hasInitializer(application))) {
            System.setProperty(AotDetector.AOT_ENABLED, "true");
        }
    }

    /** AOT mode when nobody chose, for a jar that carries its initializer. */
    static boolean switchOn(String chosen, boolean fromJar, boolean hasInitializer) {
        return chosen == null && fromJar && hasInitializer;
    }

    static boolean fromJar(Class<?> application) {
        CodeSource source = application.getProtectionDomain().getCodeSource();
        URL location = source == null ? null : source.getLocation();
        if (location == null) {
            return false;
        }
        if (!"file".equals(location.getProtocol())) {
            return true;   // nested in the single jar (BOOT-INF/classes)
        }
        try {
            return !Files.isDirectory(Path.of(location.toURI()));
        } catch (Exception e) {
            return false;
        }
    }

    static boolean hasInitializer(Class<?> application) {
        String initializer = application.getName().replace('.', '/') + "__ApplicationContextInitializer.class";
        return application.getClassLoader().getResource(initializer) != null;
    }
}
