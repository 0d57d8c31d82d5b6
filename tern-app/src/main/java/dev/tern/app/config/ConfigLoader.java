package dev.tern.app.config;

import dev.tern.app.TernConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Reads the YAML config file into a {@link TernConfig}. The result is a value, never an exception: a file
 * that cannot be read, is not YAML, or holds a mistake gives {@link ConfigResult.Invalid} with every error
 * found, each under a dotted key such as {@code smtp.listen[1]}.
 *
 * <p>The file is untrusted input of bounded cost: at most {@value #MAX_SIZE} octets, nesting at most
 * {@value #MAX_DEPTH} deep, at most {@value #MAX_ALIASES} aliases (so an alias "billion laughs" cannot expand),
 * no duplicate keys, and one document. YAML tags are never instantiated: the file is composed into nodes and
 * read by {@link ConfigSchema} against the keys it knows.
 *
 * <p>Without a config file Tern runs on {@link TernConfig#defaults()}, which accept mail for every local part
 * at {@code localhost}. A file, even an empty one, names its recipients: only its users, aliases and lists
 * (and postmaster) exist.
 */
public final class ConfigLoader {
    /** The largest config file read: 1 MiB is far beyond any hand-written config. */
    public static final int MAX_SIZE = 1 << 20;
    static final int MAX_DEPTH = 16;
    static final int MAX_ALIASES = 50;

    private ConfigLoader() {}

    /** Reads and checks the config file at {@code file}. */
    public static ConfigResult load(Path file) {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_SIZE) return invalid("file is larger than " + MAX_SIZE + " octets");
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return invalid("file not found");
        } catch (AccessDeniedException e) {
            return invalid("permission denied");
        } catch (IOException e) {
            return invalid("cannot read the file: " + e.getMessage());
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
            return parse(text);
        } catch (CharacterCodingException e) {
            return invalid("the file is not valid UTF-8");
        }
    }

    /** Reads and checks config text, as {@link #load(Path)} does for a file. */
    public static ConfigResult parse(String yaml) {
        if (yaml.length() > MAX_SIZE) return invalid("file is larger than " + MAX_SIZE + " octets");
        LoadSettings settings = LoadSettings.builder()
                .setLabel("config")
                .setSchema(new CoreSchema())
                .setAllowDuplicateKeys(false)
                .setAllowRecursiveKeys(false)
                .setMaxAliasesForCollections(MAX_ALIASES)
                .setCodePointLimit(MAX_SIZE)
                .build();
        try {
            Optional<String> tooDeep = checkDepth(settings, yaml);
            if (tooDeep.isPresent()) return invalid(tooDeep.get());
            Optional<Node> document = new Compose(settings).composeString(yaml);
            return ConfigSchema.read(document);
        } catch (MarkedYamlEngineException e) {
            String context = e.getContext() == null ? "" : e.getContext() + ", ";
            return invalid(at(e.getProblemMark()) + context + e.getProblem());
        } catch (YamlEngineException e) {
            return invalid(e.getMessage());
        }
    }

    /**
     * Walks the event stream (the parser keeps its own stack, unlike the recursive composer) so that deeply
     * nested input is refused before composing it could overflow the thread's stack.
     */
    private static Optional<String> checkDepth(LoadSettings settings, String yaml) {
        int depth = 0;
        for (Event event : new Parse(settings).parseString(yaml)) {
            switch (event.getEventId()) {
                case MappingStart, SequenceStart -> {
                    if (++depth > MAX_DEPTH) return Optional.of(at(event.getStartMark()) + "nested too deeply");
                }
                case MappingEnd, SequenceEnd -> depth--;
                default -> { }
            }
        }
        return Optional.empty();
    }

    private static String at(Optional<Mark> mark) {
        return mark.map(m -> "line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1) + ": ").orElse("");
    }

    private static ConfigResult invalid(String reason) {
        return new ConfigResult.Invalid(List.of(new ConfigError("", reason)));
    }
}
