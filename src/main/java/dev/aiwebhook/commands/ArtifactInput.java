package dev.aiwebhook.commands;

import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Body;
import org.springframework.stereotype.Component;

/** The parameters of add_artifact, get_artifact and list_artifacts. */
@Component("artifactInput")
public class ArtifactInput {

    /** add_artifact */
    public Map<String, Object> artifact(@Body JsonNode envelope) {
        DataFields data = DataFields.of(envelope);
        Map<String, Object> p = new HashMap<>();
        p.put("session_id", SessionIds.required(envelope));
        String id = data.optionalId("artifact_id", CommandInput.MAX_ID);
        p.put("artifact_id", id != null ? id : "art-" + java.util.UUID.randomUUID().toString().substring(0, 8));
        p.put("name", data.requiredText("name", 500));
        p.put("content", data.requiredText("content", ConversationInput.MAX_CHUNK));
        String type = data.optionalText("artifact_type", 50);
        p.put("artifact_type", type == null ? "document" : type);
        String format = data.optionalText("format", 50);
        p.put("format", format == null ? "markdown" : format);
        p.put("metadata", data.object("metadata"));
        p.put("task_id", data.optionalId("task_id", CommandInput.MAX_ID));
        return p;
    }

    public Map<String, Object> artifactId(@Body JsonNode envelope) {
        DataFields data = DataFields.of(envelope);
        String id = data.optionalId("artifact_id", CommandInput.MAX_ID);
        if (id == null) {
            throw CommandException.missing("data.artifact_id");
        }
        Map<String, Object> p = new HashMap<>();
        p.put("artifact_id", id);
        return p;
    }

    public Map<String, Object> listArtifacts(@Body JsonNode envelope) {
        DataFields data = DataFields.of(envelope);
        Map<String, Object> p = CommandInput.page(data);
        String sessionId = SessionIds.optional(envelope);
        p.put("session_id", sessionId == null ? "" : sessionId);
        String type = data.optionalText("artifact_type", 50);
        p.put("artifact_type", type == null ? "" : type);
        return p;
    }
}
