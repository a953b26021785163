package dev.aiwebhook.storage;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Full-text search settings (TEXT_SEARCH_CONFIG). */
@ConfigurationProperties(prefix = "app.search")
public record SearchProperties(
        /** a PostgreSQL text search configuration (english, simple, german, ...) */
        @DefaultValue("english") String textConfig) {
}
