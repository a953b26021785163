package dev.aiwebhook.agents;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

/**
 * The agents this worker runs. The heartbeat route ({@code routes/agents.camel.yaml}) upserts
 * them into {@code agents} at startup and then keeps their {@code last_heartbeat} moving.
 */
@Component("agentRegistry")
public class AgentRegistry {

    public record Agent(String name, String description, List<String> capabilities) {
    }

    public static final List<Agent> BUILT_IN = List.of(
            new Agent("memory_keeper",
                    "Owns memory writes and their history, keeps session counters right, archives completed sessions.",
                    List.of("store_memory", "memory_history", "session_report", "archive_sessions")),
            new Agent("conversation_processor",
                    "Stores conversation chunks and extracts ideas, decisions, questions and action items from them.",
                    List.of("conversation_chunk", "extract")));

    private final String instance = ManagementFactory.getRuntimeMXBean().getName();

    public List<Agent> agents() {
        return BUILT_IN;
    }

    /** One row of parameters per agent, for {@code sql/agents/heartbeat.sql}. */
    public List<Map<String, Object>> heartbeatRows() {
        return BUILT_IN.stream().map(a -> Map.<String, Object>of(
                "name", a.name(),
                "description", a.description(),
                "capabilities", String.join(",", a.capabilities()),
                "instance", instance)).toList();
    }
}
