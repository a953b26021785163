package dev.aiwebhook;

import dev.aiwebhook.storage.DatabaseUrl;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatabaseUrlTest {

    @Test
    void postgresqlUrlsBecomeJdbcUrlsWithSeparateCredentials() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://webhook_user:s%40cret@db.local:5433/ai_webhook?sslmode=require");
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.local:5433/ai_webhook?sslmode=require");
        assertThat(url.username()).isEqualTo("webhook_user");
        assertThat(url.password()).isEqualTo("s@cret");
        assertThat(url.describe()).doesNotContain("s@cret").doesNotContain("cret");
    }

    @Test
    void defaultsAndOtherForms() {
        assertThat(DatabaseUrl.parse("postgres://u@h/db").jdbcUrl()).isEqualTo("jdbc:postgresql://h:5432/db");
        DatabaseUrl jdbc = DatabaseUrl.parse("jdbc:postgresql://h:1/x?user=a&password=b");
        assertThat(jdbc.jdbcUrl()).isEqualTo("jdbc:postgresql://h:1/x?user=a&password=b");
        assertThat(jdbc.describe()).doesNotContain("password=b");
        assertThatThrownBy(() -> DatabaseUrl.parse("mysql://h/db")).hasMessageContaining("DATABASE_URL");
        assertThat(DatabaseUrl.parse("postgresql://u:a+b@h/db").password()).isEqualTo("a+b");
        assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://u:s3cr^t pass@db/x"))
                .hasMessageContaining("DATABASE_URL").hasMessageNotContaining("s3cr");
    }
}
