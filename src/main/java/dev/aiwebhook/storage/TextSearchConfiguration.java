package dev.aiwebhook.storage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Applies TEXT_SEARCH_CONFIG after the migrations: when it differs from the configuration the
 * stored vectors were made with, the setting changes and every vector is re-saved in one
 * transaction (V3's app_set_text_search_config), so search never mixes two configurations.
 * A configuration PostgreSQL does not know stops the start with a message naming it.
 */
@Component
@DependsOnDatabaseInitialization
public class TextSearchConfiguration implements InitializingBean {

    private static final Logger log = LoggerFactory.getLogger(TextSearchConfiguration.class);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final SearchProperties properties;

    public TextSearchConfiguration(JdbcTemplate jdbc, TransactionTemplate transaction, SearchProperties properties) {
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.properties = properties;
    }

    @Override
    public void afterPropertiesSet() {
        String wanted = properties.textConfig().trim();
        String known = jdbc.query("""
                SELECT CAST(CAST(c.oid AS regconfig) AS text) FROM pg_ts_config c
                JOIN pg_namespace n ON n.oid = c.cfgnamespace
                WHERE c.cfgname = ? OR n.nspname || '.' || c.cfgname = ?
                ORDER BY n.nspname = 'pg_catalog' DESC LIMIT 1""",
                rs -> rs.next() ? rs.getString(1) : null, wanted, wanted);
        if (known == null) {
            throw new IllegalStateException("TEXT_SEARCH_CONFIG: PostgreSQL has no text search configuration '"
                    + wanted + "' (see SELECT cfgname FROM pg_ts_config)");
        }
        try {
            Integer resaved = transaction.execute(status -> jdbc.queryForObject(
                    "SELECT app_set_text_search_config(CAST(? AS regconfig))", Integer.class, known));
            if (resaved != null && resaved > 0) {
                log.info("Text search configuration is now '{}': {} stored search vectors re-saved", known, resaved);
            }
        } catch (DataAccessException e) {
            throw new IllegalStateException("TEXT_SEARCH_CONFIG '" + known + "' could not be applied", e);
        }
    }
}
