package dev.aiwebhook.agents;

import java.util.Map;

import org.springframework.stereotype.Component;

/** Parameters of memory_keeper's archival ({@code sql/agents/archive_sessions.sql}). */
@Component("agentArchive")
public class AgentArchive {

    private final AgentProperties props;

    public AgentArchive(AgentProperties props) {
        this.props = props;
    }

    public Map<String, Object> params() {
        return Map.of("archive_after_seconds", props.archiveAfter().toSeconds());
    }
}
