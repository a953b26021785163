package dev.aiwebhook.storage;

import java.sql.SQLException;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.Exchange;
import org.apache.camel.component.sql.DefaultSqlPrepareStatementStrategy;

/**
 * camel-sql's named parameters ({@code :#name}), with the work that does not change between calls
 * done once.
 *
 * <p>camel-sql rewrote every statement's text with regular expressions on every call, and looked
 * each parameter up by converting the message body to a Map, twice per parameter: when the body
 * is a JSON node, that is a Jackson conversion of the whole body for every parameter (JFR: 12 %
 * of the request thread's time in a sync store_memory went to these). Here the rewritten text is
 * kept per statement (statements that expand an {@code IN} list by its values are not kept), and
 * the body is converted once per call; each parameter is then read from that one Map, exactly as
 * camel-sql would have read it (statements with {@code :#${...}} expressions keep camel-sql's way).
 */
final class NamedParameters extends DefaultSqlPrepareStatementStrategy {

    private final Map<String, String> prepared = new ConcurrentHashMap<>();

    @Override
    public String prepareQuery(String query, boolean allowNamedParameters, Exchange exchange) throws SQLException {
        if (query.contains(":?in:")) {
            return super.prepareQuery(query, allowNamedParameters, exchange);
        }
        String key = allowNamedParameters + query;
        String answer = prepared.get(key);
        if (answer == null) {
            answer = super.prepareQuery(query, allowNamedParameters, exchange);
            prepared.put(key, answer);
        }
        return answer;
    }

    @Override
    public Iterator<?> createPopulateIterator(String query, String preparedQuery, int expectedParams, Exchange exchange,
                                              Object value) throws SQLException {
        Object body = value;
        // an expression parameter (:#${...}) is evaluated on the message as camel-sql gives it
        boolean expressions = query.contains(":?${") || query.contains(":?$simple{");
        if (value != null && !(value instanceof Map) && !expressions) {
            Map<?, ?> map = exchange.getContext().getTypeConverter().tryConvertTo(Map.class, exchange, value);
            if (map != null) {
                body = map;
            }
        }
        return super.createPopulateIterator(query, preparedQuery, expectedParams, exchange, body);
    }
}
