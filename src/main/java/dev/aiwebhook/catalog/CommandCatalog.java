package dev.aiwebhook.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.springframework.core.io.ClassPathResource;
import org.springframework.stereotype.Component;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The one machine-readable description of the commands ({@code catalog/commands.yaml}):
 * names, fields, result shapes, examples. The worker checks commands against it
 * ({@link CommandCheck}); the OpenAPI document, MCP tools, instruction tiers and API reference
 * are produced from it.
 */
@Component
public class CommandCatalog {

    public static final String SESSION_COMMAND = "collaborative_session_command";
    public static final String TASK_COMMAND = "task_command";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<CatalogCommand> commands;
    private final List<MemoryType> memoryTypes;
    private final ObjectNode defs;
    private final Map<String, CatalogCommand> byName = new LinkedHashMap<>();

    public CommandCatalog() throws IOException {
        this(new ClassPathResource("catalog/commands.yaml").getInputStream());
    }

    CommandCatalog(InputStream yaml) throws IOException {
        JsonNode root;
        try (yaml) {
            Object loaded = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
            root = JSON.valueToTree(loaded);
        }
        List<CatalogCommand> list = new ArrayList<>();
        for (JsonNode c : root.path("commands")) {
            CatalogCommand command = CatalogCommand.of(c);
            list.add(command);
            for (String name : command.names()) {
                if (byName.put(command.webhookType() + "/" + name, command) != null) {
                    throw new IllegalStateException("catalog/commands.yaml names '" + name + "' twice");
                }
            }
        }
        commands = List.copyOf(list);
        List<MemoryType> types = new ArrayList<>();
        for (JsonNode t : root.path("memoryTypes")) {
            types.add(new MemoryType(t.path("name").asText(), t.path("use").asText(), t.path("example")));
        }
        memoryTypes = List.copyOf(types);
        defs = root.path("$defs").isObject() ? (ObjectNode) root.path("$defs") : JSON.createObjectNode();
    }

    public List<CatalogCommand> commands() {
        return commands;
    }

    public List<MemoryType> memoryTypes() {
        return memoryTypes;
    }

    /** Shared result schemas, referenced as {@code #/$defs/<name>} from the commands' results. */
    public ObjectNode defs() {
        return defs;
    }

    /** A command by its webhook type and name or alias. */
    public Optional<CatalogCommand> find(String webhookType, String name) {
        return Optional.ofNullable(byName.get(webhookType + "/" + name));
    }

    /** A command by its canonical name (each name is unique across webhook types). */
    public Optional<CatalogCommand> named(String name) {
        return commands.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** One memory type: when to use it, and an example of its store_memory data. */
    public record MemoryType(String name, String use, JsonNode example) {
    }
}
