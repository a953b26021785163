package dev.aiwebhook.tasks;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a git task may do: an allowed subcommand first (no global options such as -c, -C,
 * --exec-path, --git-dir before it; aliases are not subcommands), no option that runs a
 * program, writes a file or reads outside the repository, and for branch and tag only listing.
 * The command actually run is prefixed with settings that a repository's own config cannot
 * override: no pager, no hooks, no fsmonitor, no editor, no credential helper.
 */
final class GitPolicy {

    private static final Set<String> FORBIDDEN = Set.of("-c", "--exec", "--exec-path", "--upload-pack",
            "--receive-pack", "--config-env", "--output", "--ext-diff", "--textconv", "--no-index",
            "--git-dir", "--work-tree", "--namespace", "--super-prefix", "--open-files-in-pager", "-O");
    private static final Set<String> FORBIDDEN_PREFIXES = Set.of("--exec=", "--exec-path=", "--upload-pack=",
            "--receive-pack=", "--config-env=", "--output=", "--output-directory", "--git-dir=", "--work-tree=",
            "--open-files-in-pager=", "--contents", "--ignore-revs-file", "--orderfile", "--exclude-from",
            "--exclude-per-directory", "--reference", "--textconv", "--ext-diff");
    private static final Set<String> LISTING_FLAGS = Set.of("-a", "-r", "-v", "-vv", "--all", "--remotes",
            "--verbose", "--list", "-l", "--show-current", "--no-color", "--color", "--column", "--no-column",
            "--ignore-case", "-i");
    private static final Set<String> LISTING_PREFIXES = Set.of("--sort=", "--format=", "--contains", "--no-contains",
            "--merged", "--no-merged", "--points-at", "-n", "--color=");
    private static final List<String> SAFE_PREFIX = List.of("git", "--no-pager",
            "-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null", "-c", "core.pager=cat",
            "-c", "core.editor=false", "-c", "credential.helper=", "-c", "core.sshCommand=false",
            "-c", "core.askPass=false", "-c", "protocol.allow=never");

    /**
     * The subcommands that change nothing (branch and tag only list, as {@link #check} makes
     * them): the default allowed ones. Any other that an operator allows (TASKS_GIT_ALLOWED) may.
     */
    private static final Set<String> READ_ONLY = Set.of("status", "log", "diff", "show", "branch", "rev-parse",
            "ls-files", "blame", "describe", "tag");

    private GitPolicy() {
    }

    /** Whether this git argument vector runs a subcommand that changes nothing. */
    static boolean changesNothing(List<String> argv) {
        return argv.size() > 1 && argv.get(0).equals("git") && READ_ONLY.contains(argv.get(1));
    }

    /** The argument vector to run, or a {@link TaskRejectedException} naming what is refused. */
    static List<String> check(List<String> argv, List<String> allowed) {
        if (argv.size() < 2) {
            throw new TaskRejectedException("params.command", "A git task needs a subcommand, e.g. [\"git\", \"status\"].");
        }
        String sub = argv.get(1);
        if (sub.startsWith("-")) {
            throw new TaskRejectedException("params.command", "Options before the git subcommand (" + sub
                    + ") are not allowed; put options after it and use params.working_dir instead of -C.");
        }
        if (!allowed.contains(sub)) {
            throw new TaskRejectedException("params.command", "git " + sub + " is not allowed; allowed: "
                    + String.join(", ", allowed) + ".");
        }
        List<String> args = argv.subList(2, argv.size());
        for (String a : args) {
            String lower = a.toLowerCase(java.util.Locale.ROOT);
            if (FORBIDDEN.contains(a) || FORBIDDEN_PREFIXES.stream().anyMatch(lower::startsWith)) {
                throw new TaskRejectedException("params.command", "The git option " + a + " is not allowed.");
            }
        }
        for (String a : args) {
            // paths: nothing absolute, nothing that climbs out (git diff switches to --no-index by
            // itself for a path outside the repository); revision ranges such as main..dev stay fine
            String value = a.startsWith("-") && a.contains("=") ? a.substring(a.indexOf('=') + 1) : a;
            if (value.startsWith("/") || value.startsWith("~") || value.equals("..") || value.startsWith("../")
                    || value.contains("/../") || value.endsWith("/..") || value.contains(":../") || value.contains(":/")) {
                throw new TaskRejectedException("params.command", "The argument " + a
                        + " points outside the repository; use paths relative to working_dir.");
            }
            if ((a.startsWith("-O") && !a.startsWith("--")) || (sub.equals("blame") && (a.equals("-S") || a.startsWith("-S")))) {
                throw new TaskRejectedException("params.command", "The git option " + a + " reads a file and is not allowed.");
            }
        }
        if (sub.equals("branch") || sub.equals("tag")) {
            boolean listing = args.contains("--list") || args.contains("-l");
            for (String a : args) {
                boolean flag = LISTING_FLAGS.contains(a) || LISTING_PREFIXES.stream().anyMatch(a::startsWith);
                if (!flag && (a.startsWith("-") || !listing)) {
                    throw new TaskRejectedException("params.command", "git " + sub
                            + " may only list (for example --list, -a, -v, --contains); '" + a + "' would change the repository.");
                }
            }
        }
        List<String> run = new ArrayList<>(SAFE_PREFIX);
        run.add(sub);
        if (Set.of("diff", "show", "log").contains(sub)) {
            run.add("--no-ext-diff");
            run.add("--no-textconv");
        }
        run.addAll(args);
        return run;
    }
}
