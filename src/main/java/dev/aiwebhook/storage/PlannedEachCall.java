package dev.aiwebhook.storage;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Iterator;

import org.postgresql.PGStatement;

/**
 * Binds a statement whose best plan depends on its parameters' values (search) so that
 * PostgreSQL plans it for each call's values, in one round trip.
 *
 * <p>The statement is never made a server-side prepared statement (prepare threshold 0): after
 * five calls a prepared statement may switch to a generic plan, one plan for all words. The
 * parameter count comes from {@link SqlParameterCounts}, so camel-sql does not ask the driver for
 * the parameter metadata first, which cost a second round trip and a second parse of the
 * statement (about 0.9 ms each for search.sql) on every call.
 */
final class PlannedEachCall extends NamedParameters {

    @Override
    public void populateStatement(PreparedStatement ps, Iterator<?> iterator, int expectedParams) throws SQLException {
        if (ps.isWrapperFor(PGStatement.class)) {
            ps.unwrap(PGStatement.class).setPrepareThreshold(0);
        }
        super.populateStatement(ps, iterator, expectedParams);
    }
}
