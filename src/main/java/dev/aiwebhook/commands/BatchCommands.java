package dev.aiwebhook.commands;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.springframework.stereotype.Component;

/**
 * The {@code batch} command: its elements as command envelopes for the split, and the
 * failure of one element as the failure of all.
 */
@Component("batchCommands")
public class BatchCommands {

    public static final int MAX = 100;
    static final String CHUNK_FIRST = "batchChunkFirst";

    /** {@code data.commands[]} as envelopes, each with its own session_id or the batch's. */
    public List<JsonNode> elements(@Body JsonNode envelope, Exchange exchange) {
        DataFields data = DataFields.of(envelope);
        String batchSession = SessionIds.optional(envelope);
        JsonNode commands = data.raw().get("commands");
        if (commands == null || commands.isNull()) {
            throw CommandException.missing("data.commands");
        }
        if (!commands.isArray() || commands.isEmpty()) {
            throw CommandException.invalid("data.commands", "must be a non-empty list of commands");
        }
        if (commands.size() > MAX) {
            throw CommandException.invalid("data.commands", "has more than " + MAX + " commands");
        }
        List<JsonNode> out = new ArrayList<>();
        JsonNode chunk = data.raw().get("conversation_chunk");
        if (chunk != null && !chunk.isNull() && !chunk.isObject()) {
            throw CommandException.invalid("data.conversation_chunk", "must be an object with the chunk's content");
        }
        if (chunk != null && !chunk.isNull()) {
            // the batch's conversation chunk goes first, so its extracted memories share the transaction
            ObjectNode element = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
            element.put("command", "conversation_chunk");
            element.putObject("data").set("conversation_chunk", chunk);
            if (batchSession != null) {
                element.put("session_id", batchSession);
            }
            out.add(element);
            exchange.setProperty(CHUNK_FIRST, true);
        }
        for (int i = 0; i < commands.size(); i++) {
            JsonNode element = commands.get(i);
            String at = "commands[" + i + "]";
            if (!element.isObject()) {
                throw CommandException.invalid(at, "must be an object with a command");
            }
            ObjectNode copy = ((ObjectNode) element).deepCopy();
            JsonNode command = copy.get("command");
            if (command != null && !command.isNull() && !command.isTextual()) {
                throw CommandException.invalid(at + ".command", "must be a string");
            }
            if (command == null || !command.isTextual() || command.asText().isBlank()) {
                throw CommandException.missing(at + ".command");
            }
            if (command.asText().equals("batch")) {
                throw CommandException.invalid(at + ".command", "cannot be a batch inside a batch");
            }
            if (batchSession != null && !copy.hasNonNull("session_id")
                    && !(copy.path("data").isObject() && copy.get("data").hasNonNull("session_id"))) {
                copy.put("session_id", batchSession);
            }
            out.add(copy);
        }
        return out;
    }

    /** Before an element runs: its command name in the header the router reads. */
    public void prepare(Exchange exchange) {
        JsonNode element = exchange.getMessage().getBody(JsonNode.class);
        exchange.getMessage().setHeader("command", element.get("command").asText());
        exchange.getMessage().removeHeader("resultMessage");
    }

    /** An element failed: fail the batch, naming the element. */
    public void fail(@ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Throwable caught,
                     @ExchangeProperty(Exchange.SPLIT_INDEX) int index, Exchange exchange) {
        CommandException e = CommandException.in(caught);
        if (e == null) {
            throw caught instanceof RuntimeException r ? r : new IllegalStateException(caught);
        }
        if (Boolean.TRUE.equals(exchange.getProperty(CHUNK_FIRST))) {
            if (index == 0) {
                throw new CommandException(e.code(), "conversation_chunk" + (e.field() == null ? "" : "." + e.field()),
                        "The batch's conversation_chunk failed, so nothing was applied: " + e.getMessage());
            }
            index--;
        }
        throw new BatchElementException(index, exchange.getMessage().getHeader("command", String.class), e);
    }

    /** The batch's data: every element's result, in order. */
    public Map<String, Object> summary(@Body List<?> results) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("processed", results.size());
        data.put("results", results);
        return data;
    }
}
