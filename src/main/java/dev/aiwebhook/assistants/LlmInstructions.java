package dev.aiwebhook.assistants;

import java.util.List;
import java.util.Locale;

import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import dev.aiwebhook.catalog.CatalogCommand;
import dev.aiwebhook.catalog.CommandCatalog;
import dev.aiwebhook.relay.RejectedRequest;

/**
 * GET /llm-instructions?tier=full|medium|minimal: text to paste into an assistant (ChatGPT
 * custom instructions, a Claude project), made from the catalog with the relay's URL filled in
 * and the key left as a placeholder. Limits: full 2,500 characters, medium 1,500, minimal 800.
 * Every example line is a command's data: the body to send is
 * {"type":…, "command":…, "sync":true, "data":<the example>}.
 */
@Component("llmInstructions")
public class LlmInstructions {

    public static final List<String> TIERS = List.of("full", "medium", "minimal");
    public static final String KEY_PLACEHOLDER = "YOUR_API_KEY";

    private final CommandCatalog catalog;
    private final PublicUrl publicUrl;

    public LlmInstructions(CommandCatalog catalog, PublicUrl publicUrl) {
        this.catalog = catalog;
        this.publicUrl = publicUrl;
    }

    public static int limit(String tier) {
        return switch (tier) {
            case "full" -> 2500;
            case "medium" -> 1500;
            default -> 800;
        };
    }

    public void serve(Exchange exchange) {
        String tier = exchange.getMessage().getHeader("tier", "medium", String.class).toLowerCase(Locale.ROOT);
        if (!TIERS.contains(tier)) {
            throw new RejectedRequest(400, "invalid_field", "tier", "tier must be full, medium or minimal.");
        }
        String text = text(tier, publicUrl.of(exchange));
        exchange.getMessage().getHeaders().clear();
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/plain; charset=utf-8");
        exchange.getMessage().setBody(text);
    }

    public String text(String tier, String url) {
        StringBuilder out = new StringBuilder();
        out.append("ai-webhook on my machine keeps our memory and runs git. Store decisions, ideas, questions,")
                .append(" action items as we go; query them before answering.\n");
        out.append("POST ").append(url).append("/webhook, header X-API-Key: ").append(KEY_PLACEHOLDER)
                .append(", body {\"type\":\"collaborative_session_command\",\"command\":C,\"sync\":true,\"data\":D}");
        out.append(hasTaskCommand(tier) ? "; task_command: {\"type\":\"task_command\",\"sync\":true,\"data\":D}.\n" : ".\n");
        out.append("Reply: status success (data) or error (message, error.code, error.field).\n");
        if (!tier.equals("minimal")) {
            out.append("session_id goes in D. Memory types: ").append(String.join(", ",
                    catalog.memoryTypes().stream().map(CommandCatalog.MemoryType::name).toList())).append(".\n");
        }
        out.append(tier.equals("full") ? "Commands (C D):\n" : "C D examples:\n");
        for (CatalogCommand command : catalog.commands()) {
            if (command.inTier(tier)) {
                out.append(command.name()).append(' ').append(command.exampleArguments()).append('\n');
            }
        }
        if (tier.equals("full")) {
            out.append("Errors name the field at fault; fix it and retry. GET ").append(url)
                    .append("/openapi.json describes every field.\n");
        }
        return out.toString();
    }

    private boolean hasTaskCommand(String tier) {
        return catalog.commands().stream().anyMatch(c -> c.isTask() && c.inTier(tier));
    }
}
