package dev.aiwebhook.assistants;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import dev.aiwebhook.catalog.CatalogCommand;
import dev.aiwebhook.catalog.CommandCatalog;
import dev.aiwebhook.relay.RejectedRequest;
import dev.aiwebhook.relay.WebhookEnvelope;

/**
 * POST /commands/{command}: one command, its arguments as the body (data fields plus
 * session_id), answered in sync mode like POST /webhook with "sync": true. This is the
 * operation per command that the OpenAPI document gives GPT Actions.
 */
@Component("commandCalls")
public class CommandCalls {

    private final CommandCatalog catalog;
    private final WebhookEnvelope envelope;

    public CommandCalls(CommandCatalog catalog, WebhookEnvelope envelope) {
        this.catalog = catalog;
        this.envelope = envelope;
    }

    /** Replaces the body with the webhook that carries the call. */
    public void toWebhook(Exchange exchange) {
        String name = exchange.getMessage().getHeader("command", String.class);
        CatalogCommand command = catalog.named(name == null ? "" : name)
                .orElseThrow(() -> new RejectedRequest(404, "unknown_command", "command",
                        "Unknown command '" + name + "'; GET /openapi.json lists them."));
        byte[] body = exchange.getMessage().getBody(byte[].class);
        ObjectNode args = body == null || body.length == 0
                ? JsonNodeFactory.instance.objectNode()
                : envelope.readObject(body);
        exchange.getMessage().removeHeader("command");
        exchange.getMessage().setBody(command.webhook(args).toString().getBytes(StandardCharsets.UTF_8));
    }
}
