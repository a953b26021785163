package dev.aiwebhook;

import dev.aiwebhook.config.AheadOfTimeStart;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** One jar, two roles: the relay (public ingress) and the worker (Camel routes next to the data). */
@SpringBootApplication
@ConfigurationPropertiesScan
public class Application {
    public static void main(String[] args) {
        AheadOfTimeStart.enableForJar(Application.class);
        SpringApplication.run(Application.class, args);
    }
}
