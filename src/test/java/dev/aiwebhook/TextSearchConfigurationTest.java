package dev.aiwebhook;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

import dev.aiwebhook.storage.SearchProperties;
import dev.aiwebhook.storage.TextSearchConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * TEXT_SEARCH_CONFIG names a PostgreSQL configuration; one PostgreSQL does not know stops the
 * start with a message naming it (RestartTest changes it for real and checks the re-save).
 */
class TextSearchConfigurationTest extends AppTestSupport {

    @Autowired
    TransactionTemplate transaction;

    @Test
    void anUnknownConfigurationIsRefusedByName() {
        var setting = new TextSearchConfiguration(db, transaction, new SearchProperties("klingon"));
        assertThatThrownBy(setting::afterPropertiesSet)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("TEXT_SEARCH_CONFIG").hasMessageContaining("'klingon'");
        assertThat(db.queryForObject("SELECT value FROM app_settings WHERE name = 'text_search_config'", String.class))
                .isEqualTo("english");
    }

    @Test
    void aWordFamilyAddedByTheUserWidensQueries() {
        transaction.executeWithoutResult(status -> {
            db.update("INSERT INTO search_word_families (family, word) VALUES ('bug', 'bug'), ('bug', 'defect')");
            assertThat(db.queryForObject("SELECT CAST(app_search_query('bugs') AS text)", String.class))
                    .contains("'bug'").contains("'defect'");
            status.setRollbackOnly();
        });
        assertThat(db.queryForObject("SELECT CAST(app_search_query('bugs') AS text)", String.class))
                .isEqualTo("'bug'");
    }
}
