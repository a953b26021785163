package dev.aiwebhook.config;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Says whether the class data archive given with {@code -XX:SharedArchiveFile} was used, and
 * warns when it was not.
 * JDK 17 uses an archive only with the JVM and the jar files, at the very paths, it was made
 * with, and otherwise starts the slow way without a word (README "Deployment": a copied layout
 * needs a training run of its own). Whether it was used: the JVM maps it into the process, as
 * {@code /proc/self/maps} shows (Linux; elsewhere nothing is said).
 */
@Component
public class ClassDataArchiveCheck {

    private static final Logger log = LoggerFactory.getLogger(ClassDataArchiveCheck.class);

    @EventListener(ApplicationReadyEvent.class)
    public void check() {
        Path maps = Path.of("/proc/self/maps");
        Optional<String> archive = givenArchive();
        if (archive.isEmpty() || !Files.isReadable(maps)) {
            return;
        }
        try {
            if (unused(archive.get(), Files.readString(maps))) {
                log.warn("The class data archive {} was not used: it fits only the JVM and the jar files it was made "
                        + "with, at the paths they had then, so this start took the slow way. Make one for this "
                        + "folder (README, \"Deployment\"): d=$(mktemp -d); DATA_DIR=$d java -XX:ArchiveClassesAtExit={} "
                        + "-Dspring.context.exit=onRefresh -jar {}; rm -rf \"$d\"", archive.get(), archive.get(),
                        System.getProperty("java.class.path"));
            } else {
                log.info("The class data archive {} is in use", archive.get());
            }
        } catch (Exception e) {
            log.debug("Could not read {}: {}", maps, e.toString());
        }
    }

    /**
     * True when a file of the archive ({@code base.jsa:top.jsa} names two) is not among the
     * process's memory mappings, which show each file by its real path (symbolic links resolved).
     */
    static boolean unused(String archive, String maps) {
        return Arrays.stream(archive.split(File.pathSeparator)).map(ClassDataArchiveCheck::realPath)
                .anyMatch(file -> maps.lines().noneMatch(line -> line.endsWith(" " + file)));
    }

    private static String realPath(String file) {
        Path path = Path.of(file).toAbsolutePath().normalize();
        try {
            return path.toRealPath().toString();
        } catch (IOException e) {
            return path.toString();
        }
    }

    private static Optional<String> givenArchive() {
        try {
            VMOption option = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .getVMOption("SharedArchiveFile");
            return option.getOrigin() == VMOption.Origin.DEFAULT || option.getValue().isBlank()
                    ? Optional.empty() : Optional.of(option.getValue());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
