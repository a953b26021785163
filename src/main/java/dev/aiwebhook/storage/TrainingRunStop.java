package dev.aiwebhook.storage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.SpringProperties;
import org.springframework.stereotype.Component;

/**
 * A class data training run ({@code -Dspring.context.exit=onRefresh}, README "Deployment", the
 * Dockerfile) ends with {@code Runtime.halt} the moment the context is refreshed: no shutdown hook
 * runs and no bean is closed, so the embedded PostgreSQL it started would be left running on the
 * training's scratch DATA_DIR. It is stopped here, once every bean is made (Flyway has migrated),
 * before the halt (Spring's lifecycle processor, which halts, runs after this callback). Spring
 * reads the value ignoring case, and so does this. Any other start is left alone.
 */
@Component
public class TrainingRunStop implements SmartInitializingSingleton {

    private static final String EXIT = "spring.context.exit";

    private static final Logger log = LoggerFactory.getLogger(TrainingRunStop.class);

    private final EmbeddedDatabase database;

    public TrainingRunStop(EmbeddedDatabase database) {
        this.database = database;
    }

    @Override
    public void afterSingletonsInstantiated() {
        if (!"onRefresh".equalsIgnoreCase(SpringProperties.getProperty(EXIT)) || !database.running()) {
            return;
        }
        try {
            database.close();
            log.info("Training run ({}=onRefresh): the embedded PostgreSQL in {} is stopped before the JVM halts",
                    EXIT, database.dataDir());
        } catch (Exception e) {
            log.warn("Training run: could not stop the embedded PostgreSQL in {}: {}", database.dataDir(), e.toString());
        }
    }
}
