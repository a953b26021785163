package dev.aiwebhook.commands;

/** Error code {@code artifact_not_found} (the spec lists none for artifacts; this one is ours). */
public class ArtifactNotFoundException extends CommandException {
    public ArtifactNotFoundException(String message) {
        super("artifact_not_found", "artifact_id", message);
    }
}
