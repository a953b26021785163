package dev.aiwebhook.storage;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.Exchange;
import org.apache.camel.RuntimeExchangeException;
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
 *
 * <p>The parameters' names are also found once per statement: camel-sql matched them with a
 * regular expression twice per call (JFR, 16 clients storing memories: 3.8 % of the app's CPU
 * samples in {@code java.util.regex}, nearly all from there). Each name is then looked up in the
 * body, the headers and the variables, in camel-sql's order, with its error when none holds it.
 */
final class NamedParameters extends DefaultSqlPrepareStatementStrategy {

    /** camel-sql's plain named parameter ({@code :#name}, written {@code :?name} by then). */
    private static final Pattern NAME = Pattern.compile("\\:\\?(\\w+)");

    /**
     * Statements kept, at most: the app's are its SQL files (about a hundred); a statement built
     * per call (camel-sql's CamelSqlQuery header, say) would otherwise grow the maps without end.
     * Past this, a new statement is prepared camel-sql's way each time, as before.
     */
    static final int MAX_STATEMENTS = 512;

    private final Map<String, String> prepared = new ConcurrentHashMap<>();
    /** Per statement, its parameters' names in order; none when camel-sql's own way must run. */
    private final Map<String, List<String>> names = new ConcurrentHashMap<>();

    @Override
    public String prepareQuery(String query, boolean allowNamedParameters, Exchange exchange) throws SQLException {
        if (query.contains(":?in:")) {
            return super.prepareQuery(query, allowNamedParameters, exchange);
        }
        String key = allowNamedParameters + query;
        String answer = prepared.get(key);
        if (answer == null) {
            answer = super.prepareQuery(query, allowNamedParameters, exchange);
            if (prepared.size() < MAX_STATEMENTS) {
                prepared.put(key, answer);
            }
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
        List<String> params = names.get(query);
        if (params == null) {
            params = plainNames(query);
            if (names.size() < MAX_STATEMENTS) {
                names.put(query, params);
            }
        }
        if (params.isEmpty()) {
            return super.createPopulateIterator(query, preparedQuery, expectedParams, exchange, body);
        }
        List<Object> values = new ArrayList<>(params.size());
        Map<?, ?> bodyMap = body instanceof Map<?, ?> m ? m : Collections.emptyMap();
        Map<String, Object> headers = exchange.getIn().getHeaders();
        for (String name : params) {
            if (bodyMap.containsKey(name)) {
                values.add(bodyMap.get(name));
            } else if (headers.containsKey(name)) {
                values.add(headers.get(name));
            } else if (exchange.hasVariables() && exchange.getVariables().containsKey(name)) {
                // asked only here: getVariables() makes the exchange a variable store when it has none
                values.add(exchange.getVariables().get(name));
            } else {
                throw new RuntimeExchangeException(String.format(
                        "Cannot find key [%s] in message body or headers to use when setting named parameter in query [%s]",
                        name, query), exchange);
            }
        }
        return values.iterator();
    }

    /** How many statements are kept (prepared texts, parameter names): for tests. */
    int statementsKept() {
        return Math.max(prepared.size(), names.size());
    }

    /**
     * The names of a statement's parameters, in order, when every one is a plain name; none when
     * it has none, or an {@code IN} list or an expression, which camel-sql's own iterator handles.
     */
    static List<String> plainNames(String query) {
        if (query.contains(":?in:") || query.contains(":?${") || query.contains(":?$simple{")) {
            return List.of();
        }
        List<String> found = new ArrayList<>();
        Matcher m = NAME.matcher(query);
        while (m.find()) {
            found.add(m.group(1));
        }
        return List.copyOf(found);
    }
}
