package dev.tern.app.control;

import dev.tern.mail.Domain;
import dev.tern.mail.QueueId;

/**
 * One request line of the control channel (docs/queue.md, "The protocol"): words separated by one space.
 *
 * <pre>
 *   list | summary | show ID | flush | flush ID | flush domain DOMAIN | hold ID | release ID | delete ID | bounce ID
 * </pre>
 *
 * Queue ids are letters and digits and domains have no spaces, so words need no quoting. {@link #parse}
 * and {@link #render} are inverses for every valid request.
 */
public sealed interface ControlRequest {
    record Listing() implements ControlRequest {}

    record Summary() implements ControlRequest {}

    record Show(QueueId id) implements ControlRequest {}

    record Flush(FlushTarget target) implements ControlRequest {}

    record Hold(QueueId id) implements ControlRequest {}

    record Release(QueueId id) implements ControlRequest {}

    record Delete(QueueId id) implements ControlRequest {}

    record Bounce(QueueId id) implements ControlRequest {}

    /** Not a request; {@code reason} is safe to send back. */
    record Invalid(String reason) implements ControlRequest {}

    static ControlRequest parse(String line) {
        String[] words = line.split(" ", -1);
        String verb = words[0];
        return switch (words.length) {
            case 1 -> switch (verb) {
                case "list" -> new Listing();
                case "summary" -> new Summary();
                case "flush" -> new Flush(new FlushTarget.All());
                default -> new Invalid("unknown request");
            };
            case 2 -> withId(verb, words[1]);
            case 3 -> verb.equals("flush") && words[1].equals("domain") ? flushDomain(words[2])
                    : new Invalid("unknown request");
            default -> new Invalid("unknown request");
        };
    }

    static String render(ControlRequest request) {
        return switch (request) {
            case Listing l -> "list";
            case Summary s -> "summary";
            case Show s -> "show " + s.id();
            case Flush f -> switch (f.target()) {
                case FlushTarget.All a -> "flush";
                case FlushTarget.Message m -> "flush " + m.id();
                case FlushTarget.ToDomain d -> "flush domain " + d.domain();
            };
            case Hold h -> "hold " + h.id();
            case Release r -> "release " + r.id();
            case Delete d -> "delete " + d.id();
            case Bounce b -> "bounce " + b.id();
            case Invalid i -> throw new IllegalArgumentException("an invalid request is never sent");
        };
    }

    private static ControlRequest withId(String verb, String word) {
        QueueId id;
        try {
            id = new QueueId(word);
        } catch (IllegalArgumentException e) {
            return new Invalid("invalid queue id");
        }
        return switch (verb) {
            case "show" -> new Show(id);
            case "flush" -> new Flush(new FlushTarget.Message(id));
            case "hold" -> new Hold(id);
            case "release" -> new Release(id);
            case "delete" -> new Delete(id);
            case "bounce" -> new Bounce(id);
            default -> new Invalid("unknown request");
        };
    }

    private static ControlRequest flushDomain(String word) {
        try {
            return new Flush(new FlushTarget.ToDomain(Domain.parse(word)));
        } catch (IllegalArgumentException e) {
            return new Invalid("invalid domain");
        }
    }
}
