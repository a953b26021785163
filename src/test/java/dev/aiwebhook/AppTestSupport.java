package dev.aiwebhook;

import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/** The shared running app ({@link AppTest}), a client on its real port, and its database. */
@AppTest
abstract class AppTestSupport {

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate db;
    TestClient client;

    @BeforeEach
    void connect() {
        client = new TestClient(port);
    }

    int count(String sql, Object... args) {
        return db.queryForObject(sql, Integer.class, args);
    }
}
