package dev.aiwebhook.config;

import java.util.List;
import java.util.stream.Collectors;

import dev.aiwebhook.agents.AgentRegistry;
import dev.aiwebhook.catalog.CatalogCommand;
import dev.aiwebhook.catalog.CommandCatalog;
import dev.aiwebhook.storage.DatabaseConfig.DatabaseTarget;

import org.apache.camel.CamelContext;
import org.apache.camel.ExtendedStartupListener;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * What a person needs after start: role, where it listens, the database (never its password),
 * how many routes were loaded, the agents, and, in the all-in-one default, the API key and a
 * ready-to-paste curl line.
 */
@Component
public class StartupReport implements CamelContextConfiguration {

    private static final Logger log = LoggerFactory.getLogger(StartupReport.class);

    private final AppProperties props;
    private final Secrets secrets;
    private final DatabaseTarget database;
    private final AgentRegistry agents;
    private final Environment env;
    private final CommandCatalog catalog;

    public StartupReport(AppProperties props, Secrets secrets, DatabaseTarget database, AgentRegistry agents,
                         Environment env, CommandCatalog catalog) {
        this.catalog = catalog;
        this.props = props;
        this.secrets = secrets;
        this.database = database;
        this.agents = agents;
        this.env = env;
    }

    @Override
    public void beforeApplicationStart(CamelContext camel) {
        try {
            camel.addStartupListener(startupListener());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private ExtendedStartupListener startupListener() {
        return new ExtendedStartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
                report(context);
            }
        };
    }

    @Override
    public void afterApplicationStart(CamelContext camel) {
    }

    /** Once every route runs. */
    void report(CamelContext camel) {
        int routes = camel.getRoutes().size();
        if (routes == 0) {
            throw new IllegalStateException("No Camel routes were loaded: is the routes/ folder next to the jar "
                    + "(or ROUTES_DIR set)?");
        }
        if (props.workerEnabled()) {
            List<String> missing = catalog.commands().stream().filter(c -> !c.isTask())
                    .map(CatalogCommand::route)
                    .filter(route -> camel.getRoutes().stream()
                            .noneMatch(r -> r.getEndpoint().getEndpointUri().equals(route.replace("direct:", "direct://"))))
                    .toList();
            if (!missing.isEmpty()) {
                throw new IllegalStateException("catalog/commands.yaml describes commands without a route: " + missing);
            }
        }
        String port = env.getProperty("local.server.port", env.getProperty("server.port", "8080"));
        log.info("ai-webhook ready: role={} port={} routes={} database={}", props.role(), port, routes, database);
        if (props.workerEnabled()) {
            log.info("Agents: {}; relay at {}", agents.agents().stream().map(AgentRegistry.Agent::name)
                    .collect(Collectors.joining(", ")), env.getProperty("app.relay-url"));
        }
        if (props.relayEnabled()) {
            String key = secrets.apiKeyGenerated() ? secrets.apiKeys().get(0) : "<your API_KEY>";
            // printed on the console on purpose (SPEC §2): the key was generated for this user
            System.out.printf("%n  ai-webhook is listening on http://localhost:%s%n  API key: %s%s%n"
                            + "  Try:  curl -s -X POST localhost:%s/webhook -H 'X-API-Key: %s' -d @examples/session_create.json%n%n",
                    port, key, secrets.apiKeyGenerated() ? " (generated, kept in " + props.dataDir() + "/secrets.properties)" : "",
                    port, key);
        }
    }
}
