package dev.aiwebhook.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.RuntimeExchangeException;
import org.apache.camel.component.sql.DefaultSqlPrepareStatementStrategy;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The named parameters' values, found once per statement, are the ones camel-sql itself binds. */
class NamedParametersTest {

    private final DefaultCamelContext camel = new DefaultCamelContext();

    @AfterEach
    void close() throws Exception {
        camel.close();
    }

    private Exchange exchange(Object body) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getIn().setBody(body);
        exchange.getIn().setHeader("b", "from a header");
        exchange.getIn().setHeader("a", "a header the body hides");
        exchange.setVariable("c", 3);
        return exchange;
    }

    private static List<Object> values(Iterator<?> it) {
        List<Object> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    @Test
    void eachNameIsReadFromTheBodyThenTheHeadersThenTheVariablesAsCamelSqlReadsIt() throws Exception {
        String query = "INSERT INTO t (a, b, c, d) VALUES (:?a, :?b, :?c, :?a::text)";
        Map<String, Object> body = Map.of("a", 1);
        NamedParameters ours = new NamedParameters();
        List<Object> got = values(ours.createPopulateIterator(query, ours.prepareQuery(query, true, exchange(body)), 4,
                exchange(body), body));
        List<Object> camelSql = values(new DefaultSqlPrepareStatementStrategy().createPopulateIterator(query,
                "unused", 4, exchange(body), body));

        assertThat(got).containsExactly(1, "from a header", 3, 1);
        assertThat(got).isEqualTo(camelSql);
        // asked twice (the names are kept from the first call): the same values
        assertThat(values(ours.createPopulateIterator(query, "unused", 4, exchange(body), body))).isEqualTo(got);
    }

    @Test
    void twoStatementsOnOneStrategyEachKeepTheirOwnNames() throws Exception {
        NamedParameters ours = new NamedParameters();
        Map<String, Object> body = new java.util.HashMap<>(Map.of("a", 1, "x", "ex"));
        body.put("nothing", null);
        Exchange exchange = exchange(body);
        exchange.getIn().setHeader("y", "from a header");
        String first = "SELECT :?x, :?a";
        String second = "SELECT :?nothing, :?y, :?c";
        assertThat(values(ours.createPopulateIterator(first, "unused", 2, exchange, body))).containsExactly("ex", 1);
        List<Object> got = values(ours.createPopulateIterator(second, "unused", 3, exchange, body));
        assertThat(got).containsExactly(null, "from a header", 3);
        assertThat(got).isEqualTo(values(new DefaultSqlPrepareStatementStrategy().createPopulateIterator(second, "unused", 3,
                exchange, body)));
        assertThat(values(ours.createPopulateIterator(first, "unused", 2, exchange, body))).containsExactly("ex", 1);
    }

    @Test
    void aNameNothingHoldsFailsWithCamelSqlsMessage() {
        String query = "SELECT * FROM t WHERE x = :?missing";
        Map<String, Object> body = Map.of("a", 1);
        assertThatThrownBy(() -> values(new NamedParameters().createPopulateIterator(query, "unused", 1, exchange(body), body)))
                .isInstanceOf(RuntimeExchangeException.class)
                .hasMessageContaining("Cannot find key [missing] in message body or headers");
    }

    @Test
    void statementsBuiltPerCallAreNotKeptWithoutEndAndStillBindRight() throws Exception {
        NamedParameters ours = new NamedParameters();
        Map<String, Object> body = Map.of("a", 1);
        int statements = NamedParameters.MAX_STATEMENTS + 100;
        for (int i = 0; i < statements; i++) {
            // a statement of its own each time, as a CamelSqlQuery header could give
            String query = "SELECT :?a, " + i + ", :?b";
            String prepared = ours.prepareQuery(query, true, exchange(body));
            assertThat(prepared).isEqualTo("SELECT ?, " + i + ", ?");
            assertThat(values(ours.createPopulateIterator(query, prepared, 2, exchange(body), body)))
                    .containsExactly(1, "from a header");
        }
        assertThat(ours.statementsKept()).isEqualTo(NamedParameters.MAX_STATEMENTS);
    }

    @Test
    void inListsAndExpressionsAreLeftToCamelSql() {
        assertThat(NamedParameters.plainNames("SELECT * FROM t WHERE id IN (:?in:ids) AND x = :?x")).isEmpty();
        assertThat(NamedParameters.plainNames("SELECT * FROM t WHERE x = :?${header.x}")).isEmpty();
        assertThat(NamedParameters.plainNames("SELECT now()")).isEmpty();
        assertThat(NamedParameters.plainNames("SELECT :?x, :?y_2, x::text")).containsExactly("x", "y_2");
    }
}
