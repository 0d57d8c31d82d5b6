package dev.tern.imap;

import java.util.List;
import java.util.Optional;

/**
 * One server response (RFC 9051 §7): a tagged completion, an untagged condition, untagged data or a
 * command continuation request. {@link ResponseEncoder} turns it into octets.
 */
public sealed interface Response {
    /** RFC 9051 §7.1: the status words. PREAUTH and BYE are only untagged. */
    enum Status {
        OK,
        NO,
        BAD,
        PREAUTH,
        BYE
    }

    /** {@code tag OK|NO|BAD [code] text}: the completion of one command (RFC 9051 §2.2.2). */
    record Tagged(String tag, Status status, Optional<ResponseCode> code, String text) implements Response {
        public Tagged {
            if (tag == null || tag.isEmpty()) throw new IllegalArgumentException("empty tag");
            if (status != Status.OK && status != Status.NO && status != Status.BAD) {
                throw new IllegalArgumentException("a tagged response is OK, NO or BAD");
            }
            text = checkedText(text);
            if (code == null) throw new IllegalArgumentException("null code; use Optional.empty()");
        }
    }

    /** {@code * OK|NO|BAD|PREAUTH|BYE [code] text} (RFC 9051 §7.1); an untagged BAD answers an unreadable tag. */
    record Condition(Status status, Optional<ResponseCode> code, String text) implements Response {
        public Condition {
            text = checkedText(text);
            if (code == null || status == null) throw new IllegalArgumentException("null status or code");
        }
    }

    /** {@code * item item ...}: untagged data such as {@code * 3 EXISTS} or {@code * LIST (...) "/" INBOX}. */
    record Data(List<Value> items) implements Response {
        public Data {
            items = List.copyOf(items);
            if (items.isEmpty()) throw new IllegalArgumentException("untagged data without items");
        }
    }

    /** {@code + text}: RFC 9051 §7.5, a literal or a SASL challenge (then the text is base64) may follow. */
    record Continuation(String text) implements Response {
        public Continuation {
            text = checkedText(text);
        }
    }

    static Tagged ok(String tag, String text) {
        return new Tagged(tag, Status.OK, Optional.empty(), text);
    }

    static Tagged no(String tag, String text) {
        return new Tagged(tag, Status.NO, Optional.empty(), text);
    }

    static Tagged bad(String tag, String text) {
        return new Tagged(tag, Status.BAD, Optional.empty(), text);
    }

    static Tagged tagged(String tag, Status status, ResponseCode code, String text) {
        return new Tagged(tag, status, Optional.of(code), text);
    }

    static Data data(Value... items) {
        return new Data(List.of(items));
    }

    private static String checkedText(String text) {
        if (text == null) throw new IllegalArgumentException("null text");
        if (text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0 || text.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("CR, LF or NUL in response text");
        }
        return text;
    }
}
