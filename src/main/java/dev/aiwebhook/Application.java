package dev.aiwebhook;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** One jar, two roles: the relay (public ingress) and the worker (Camel routes next to the data). */
@SpringBootApplication
@ConfigurationPropertiesScan
public class Application {
    public static void main(String[] args) {
        // Tasks and the embedded PostgreSQL are started with vfork: one exec per process instead of
        // posix_spawn's two (the JDK's jspawnhelper, then the command). A sync git status: 4.0 -> 1.8 ms
        // to spawn and read on this machine. Read once, when the JDK starts its first process.
        if (System.getProperty("jdk.lang.Process.launchMechanism") == null) {
            System.setProperty("jdk.lang.Process.launchMechanism", "VFORK");
        }
        SpringApplication.run(Application.class, args);
    }
}
