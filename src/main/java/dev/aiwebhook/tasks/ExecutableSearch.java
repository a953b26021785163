package dev.aiwebhook.tasks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Finds a task's program on TASKS_PATH. Given a bare name, the JDK searches the app's own PATH,
 * not the PATH in the child's environment ("parent's, not child's", in its process launcher), so
 * without this TASKS_PATH would only be what a task sees, not where its program comes from: a
 * {@code git} earlier on the PATH of whoever started the app would run instead.
 */
final class ExecutableSearch {

    private final List<Path> dirs;

    /**
     * A PATH-style list; relative entries are taken from the app's working directory (as
     * TASKS_ROOTS are), never from the task's, and empty ones are left out.
     */
    ExecutableSearch(String path) {
        this.dirs = Arrays.stream(path == null ? new String[0] : path.split(":"))
                .map(String::trim)
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir).toAbsolutePath().normalize())
                .distinct()
                .toList();
    }

    /** The PATH a task is given: the same directories, absolute. */
    String path() {
        return String.join(":", dirs.stream().map(Path::toString).toList());
    }

    /** Those of {@code names} not found in the directories, in the order given. */
    List<String> missing(List<String> names) {
        return names.stream().filter(name -> find(name).isEmpty()).distinct().toList();
    }

    /** The first regular, executable file of this bare name in the directories, in order. */
    Optional<Path> find(String name) {
        if (name == null || name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
            return Optional.empty();
        }
        return dirs.stream()
                .map(dir -> dir.resolve(name))
                .filter(file -> Files.isRegularFile(file) && Files.isExecutable(file))
                .findFirst();
    }
}
